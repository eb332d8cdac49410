#include "rules/pod/pod_support.h"

#include <fmt/format.h>

namespace kg::rules::pod {

Location security_context_location(const k8s::ContainerView& container) {
  return deepest_location(container, {"securityContext"});
}

Location deepest_location(const k8s::ContainerView& container, std::initializer_list<std::string_view> keys) {
  Location at{container.path, container.node};
  for (auto key : keys) {
    const doc::Node* next = at.node->get(key);
    if (next == nullptr || !next->is_mapping()) break;
    at.path += ".";
    at.path += key;
    at.node = next;
  }
  return at;
}

std::string describe(const k8s::ContainerView& container) {
  std::string_view prefix;
  switch (container.role) {
    case k8s::ContainerRole::Init: prefix = "init "; break;
    case k8s::ContainerRole::NativeSidecar: prefix = "sidecar "; break;
    case k8s::ContainerRole::Ephemeral: prefix = "ephemeral "; break;
    default: break;
  }
  return fmt::format("{}container '{}'", prefix, container.name);
}

bool is_windows_pod(const k8s::PodSpecView& pod) { return k8s::string_at(pod.spec->get("os"), "name") == "windows"; }

std::string annotation_path(const k8s::PodSpecView& pod, std::string_view key) {
  return fmt::format("{}.annotations[\"{}\"]", pod.metadata_path, key);
}

const doc::Node* annotation_node(const k8s::PodSpecView& pod, std::string_view key) {
  if (pod.metadata == nullptr) return nullptr;
  const doc::Node* annotations = pod.metadata->get("annotations");
  return annotations == nullptr ? nullptr : annotations->get(key);
}

bool is_true(const doc::Node* node) { return node != nullptr && node->as_bool() == true; }
bool is_false(const doc::Node* node) { return node != nullptr && node->as_bool() == false; }

}  // namespace kg::rules::pod
