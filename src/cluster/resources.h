// The resources a cluster scan reads, at fixed paths: no discovery round
// trips, and the list is the contract of what a scan covers. Secrets are
// deliberately absent: no rule needs their values.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace kg::cluster {

struct Resource {
  std::string_view api_version;  // "v1", "apps/v1"
  std::string_view kind;         // of one item
  std::string_view plural;       // the path segment
  bool namespaced = true;
};

std::span<const Resource> scan_resources();

// Looks a resource up by plural ("pods") or kind ("Pod"); nullptr when unknown.
const Resource* find_resource(std::string_view name);

// "/api/v1/pods", "/apis/apps/v1/namespaces/NS/deployments"; `name_space` is
// ignored for cluster-scoped resources.
std::string collection_path(const Resource& resource, std::string_view name_space);

}  // namespace kg::cluster
