#include "k8s/pod_spec.h"

#include <array>

#include <fmt/format.h>

namespace kg::k8s {

std::string_view role_name(ContainerRole role) {
  switch (role) {
    case ContainerRole::Main: return "main";
    case ContainerRole::Init: return "init";
    case ContainerRole::NativeSidecar: return "native-sidecar";
    case ContainerRole::InjectedSidecar: return "injected-sidecar";
    case ContainerRole::Extra: return "extra";
    case ContainerRole::Ephemeral: return "ephemeral";
  }
  return "unknown";
}

std::string_view kind_field(ContainerKind kind) {
  switch (kind) {
    case ContainerKind::Regular: return "containers";
    case ContainerKind::Init: return "initContainers";
    case ContainerKind::Ephemeral: return "ephemeralContainers";
  }
  return "containers";
}

std::string_view PodSpecView::pod_annotation(std::string_view key) const {
  return metadata == nullptr ? std::string_view() : string_at(metadata->get("annotations"), key);
}

bool is_pod_bearing_kind(std::string_view kind) {
  return kind == "Pod" || kind == "PodTemplate" || is_workload_kind(kind);
}

bool is_workload_kind(std::string_view kind) {
  static constexpr std::array kKinds = {std::string_view("Deployment"), std::string_view("StatefulSet"),
                                        std::string_view("DaemonSet"),  std::string_view("ReplicaSet"),
                                        std::string_view("ReplicationController"), std::string_view("Job"),
                                        std::string_view("CronJob")};
  for (auto k : kKinds) {
    if (k == kind) return true;
  }
  return false;
}

namespace {

// Where each kind keeps its pod template, as a chain of keys.
std::vector<std::string_view> template_path(std::string_view kind) {
  if (kind == "Pod") return {};
  if (kind == "PodTemplate") return {"template"};
  if (kind == "CronJob") return {"spec", "jobTemplate", "spec", "template"};
  return {"spec", "template"};
}

void add_containers(PodSpecView& view, ContainerKind kind) {
  const doc::Node* list = view.spec->get(kind_field(kind));
  if (list == nullptr || !list->is_sequence()) return;
  size_t index = 0;
  for (const auto& c : list->items()) {
    ContainerView cv;
    cv.node = &c;
    cv.name = string_at(&c, "name");
    cv.image = string_at(&c, "image");
    cv.kind = kind;
    cv.index = index;
    cv.path = fmt::format("{}.{}[{}]", view.path, kind_field(kind), index);
    switch (kind) {
      case ContainerKind::Regular: cv.role = ContainerRole::Extra; break;
      case ContainerKind::Init:
        cv.role = string_at(&c, "restartPolicy") == "Always" ? ContainerRole::NativeSidecar : ContainerRole::Init;
        break;
      case ContainerKind::Ephemeral: cv.role = ContainerRole::Ephemeral; break;
    }
    view.containers.push_back(std::move(cv));
    ++index;
  }
}

void assign_main_container(PodSpecView& view) {
  std::string_view preferred = view.pod_annotation("kubectl.kubernetes.io/default-container");
  ContainerView* first = nullptr;
  for (auto& c : view.containers) {
    if (c.kind != ContainerKind::Regular) continue;
    if (first == nullptr) first = &c;
    if (!preferred.empty() && c.name == preferred) {
      c.role = ContainerRole::Main;
      return;
    }
  }
  if (first != nullptr) first->role = ContainerRole::Main;
}

}  // namespace

std::optional<PodSpecView> pod_spec_of(const Object& object) {
  if (!is_pod_bearing_kind(object.ref.kind)) return std::nullopt;
  const doc::Node* holder = object.root;
  std::string prefix;  // paths are relative to the object; the Emitter adds any List prefix
  for (auto key : template_path(object.ref.kind)) {
    holder = holder->get(key);
    if (holder == nullptr || !holder->is_mapping()) return std::nullopt;
    prefix += std::string(key) + ".";
  }
  const doc::Node* spec = holder->get("spec");
  if (spec == nullptr || !spec->is_mapping()) return std::nullopt;
  PodSpecView view;
  view.spec = spec;
  view.metadata = holder->get("metadata");
  view.path = prefix + "spec";
  view.metadata_path = prefix + "metadata";
  add_containers(view, ContainerKind::Init);
  add_containers(view, ContainerKind::Regular);
  add_containers(view, ContainerKind::Ephemeral);
  assign_main_container(view);
  return view;
}

const doc::Node* effective_security_field(const PodSpecView& pod, const ContainerView& container,
                                          std::string_view field, std::string* where) {
  const doc::Node* own = container.node->find({"securityContext", field});
  if (own != nullptr && !own->is_null()) {
    if (where != nullptr) *where = fmt::format("{}.securityContext.{}", container.path, field);
    return own;
  }
  const doc::Node* inherited = pod.spec->find({"securityContext", field});
  if (inherited != nullptr && !inherited->is_null()) {
    if (where != nullptr) *where = fmt::format("{}.securityContext.{}", pod.path, field);
    return inherited;
  }
  return nullptr;
}

}  // namespace kg::k8s
