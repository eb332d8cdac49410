#include "fronts/node/pod_source.h"

#include <cctype>

#include <fmt/format.h>

namespace kg::node {
namespace {

// A node name is a DNS subdomain: letters, digits, '-' and '.'; nothing to escape.
bool valid_node_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
          c == '.')) {
      return false;
    }
  }
  return true;
}

}  // namespace

cluster::Expected<PodIndex> fetch_node_pods(cluster::ApiClient& client, std::string_view node,
                                            std::span<const k8s::SidecarProfile> profiles) {
  if (!valid_node_name(node)) {
    return cluster::Error{cluster::ErrorKind::Config, fmt::format("'{}' is not a valid node name", node)};
  }
  auto list = client.get(fmt::format("/api/v1/pods?fieldSelector=spec.nodeName%3D{}", node));
  if (!list) return list.error();
  PodIndex index;
  const doc::Node* items = list.value().get("items");
  if (items == nullptr || !items->is_sequence()) return index;
  for (const auto& item : items->items()) {
    // List items carry no apiVersion and kind of their own.
    k8s::Object pod;
    pod.ref.api_version = "v1";
    pod.ref.kind = "Pod";
    pod.ref.name_space = std::string(k8s::string_at(item.get("metadata"), "namespace"));
    pod.ref.name = std::string(k8s::string_at(item.get("metadata"), "name"));
    pod.root = &item;
    index.add(pod, profiles);
  }
  return index;
}

}  // namespace kg::node
