#include "cluster/resources.h"

#include <vector>

#include <fmt/format.h>

#include "k8s/kinds.h"

namespace kg::cluster {
namespace {

// The rows of the table of kinds a cluster scan lists, in the table's order
// (namespaces first). Built once, never changed.
const std::vector<Resource>& listed() {
  static const std::vector<Resource> resources = [] {
    std::vector<Resource> out;
    for (const auto& k : k8s::kinds()) {
      if (k.read_by(k8s::kClusterScan)) out.push_back(Resource{k.api_version, k.kind, k.resource, k.namespaced});
    }
    return out;
  }();
  return resources;
}

}  // namespace

std::span<const Resource> scan_resources() { return listed(); }

const Resource* find_resource(std::string_view name) {
  for (const auto& r : listed()) {
    if (r.plural == name || r.kind == name) return &r;
  }
  return nullptr;
}

std::string collection_path(const Resource& resource, std::string_view name_space) {
  std::string prefix = resource.api_version.find('/') == std::string_view::npos
                           ? fmt::format("/api/{}", resource.api_version)
                           : fmt::format("/apis/{}", resource.api_version);
  if (resource.namespaced && !name_space.empty()) {
    return fmt::format("{}/namespaces/{}/{}", prefix, name_space, resource.plural);
  }
  return fmt::format("{}/{}", prefix, resource.plural);
}

}  // namespace kg::cluster
