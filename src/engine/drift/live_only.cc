#include "engine/drift/live_only.h"

#include <array>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/drift/text.h"

namespace kg::engine::drift {
namespace {

struct Builtin {
  std::string_view kind;
  std::string_view name_space;  // "*" for any
  std::string_view name;
};

constexpr std::array<Builtin, 9> kBuiltins = {{
    {"Namespace", "", "default"},
    {"Namespace", "", "kube-system"},
    {"Namespace", "", "kube-public"},
    {"Namespace", "", "kube-node-lease"},
    {"ConfigMap", "*", "kube-root-ca.crt"},
    {"ServiceAccount", "*", "default"},
    {"Service", "default", "kubernetes"},
    {"PriorityClass", "", "system-node-critical"},
    {"PriorityClass", "", "system-cluster-critical"},
}};

constexpr std::array<std::string_view, 8> kGeneratedKinds = {
    "Event", "Endpoints", "EndpointSlice", "Lease", "ControllerRevision", "ComponentStatus", "Node", "CSINode"};

std::string_view label(const k8s::Object& object, std::string_view key) {
  return k8s::string_at(object.root->find({"metadata", "labels"}), key);
}

}  // namespace

bool is_generated(const k8s::Object& object) {
  const auto& ref = object.ref;
  for (auto k : kGeneratedKinds) {
    if (k == ref.kind) return true;
  }
  for (const auto& b : kBuiltins) {
    if (b.kind == ref.kind && b.name == ref.name && (b.name_space == "*" || b.name_space == ref.name_space)) {
      return true;
    }
  }
  if (label(object, "kubernetes.io/bootstrapping") == "rbac-defaults") return true;
  if (!label(object, "kube-aggregator.kubernetes.io/automanaged").empty()) return true;
  return !object.annotation("apf.kubernetes.io/autoupdate-spec").empty();
}

rules::CaseName only_in_live_severity(std::string_view kind) {
  if (kind == "MutatingWebhookConfiguration" || kind == "ClusterRoleBinding") return "webhook-or-binding"_case;
  return rules::CaseName();
}

std::string only_in_live_message(const k8s::Object& object, const k8s::PodSpecView* pod) {
  std::string what;
  if (const doc::Node* role = object.root->get("roleRef")) {
    what = fmt::format(" (grants {} {})", k8s::string_at(role, "kind"), k8s::string_at(role, "name"));
  } else if (const doc::Node* hooks = object.root->get("webhooks"); hooks != nullptr && hooks->is_sequence()) {
    std::vector<std::string> names;
    for (const auto& h : hooks->items()) names.emplace_back(k8s::string_at(&h, "name"));
    what = fmt::format(" (webhooks {})", show_names(names, 4));
  } else if (pod != nullptr) {
    std::vector<std::string> images;
    for (const auto& c : pod->containers) images.emplace_back(c.image);
    what = fmt::format(" (images {})", show_names(images, 4));
  }
  return fmt::format("{} is in the live input{} but in no baseline manifest", object.ref.display(), what);
}

}  // namespace kg::engine::drift
