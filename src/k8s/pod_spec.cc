#include "k8s/pod_spec.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "doc/source.h"
#include "k8s/image_ref.h"

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
  std::string_view value = metadata == nullptr ? std::string_view() : string_at(metadata->get("annotations"), key);
  if (value.empty() && outer_metadata != nullptr) value = string_at(outer_metadata->get("annotations"), key);
  return value;
}

bool is_pod_bearing_kind(std::string_view kind) {
  return kind == "Pod" || kind == "PodTemplate" || is_workload_kind(kind);
}

bool is_workload_kind(std::string_view kind) {
  static constexpr std::array kKinds = {
      std::string_view("Deployment"), std::string_view("StatefulSet"),           std::string_view("DaemonSet"),
      std::string_view("ReplicaSet"), std::string_view("ReplicationController"), std::string_view("Job"),
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

std::optional<doc::Node> parse_json_annotation(std::string_view value) {
  std::optional<doc::Node> root;
  doc::load_text(
      value, "annotation", [&](doc::Document&& d) { root = std::move(d.root); }, [](doc::LoadError&&) {});
  return root;
}

// The injector recorded an override of this container's image (istio's
// proxy.istio.io/overrides), so a non-default image is still its own.
bool override_approves(const PodSpecView& view, const SidecarProfile& profile, const ContainerView& c) {
  if (profile.override_annotation.empty()) return false;
  std::string_view value = view.pod_annotation(profile.override_annotation);
  if (value.empty()) return false;
  std::optional<doc::Node> root = parse_json_annotation(value);
  if (!root) return false;
  for (auto field : {"containers", "initContainers"}) {
    const doc::Node* list = root->get(field);
    if (list == nullptr) continue;
    for (const auto& item : list->items()) {
      if (string_at(&item, "name") == c.name && string_at(&item, "image") == c.image) return true;
    }
  }
  return false;
}

bool status_approves(const PodSpecView& view, const SidecarProfile& profile, const ContainerView& c) {
  if (profile.status_annotation.empty()) return true;
  InjectorStatus status = injector_status(view, profile);
  if (!status.present) return false;
  if (!profile.status_lists_containers) return true;
  const auto& names = c.kind == ContainerKind::Init ? status.init_containers : status.containers;
  return std::find(names.begin(), names.end(), c.name) != names.end();
}

void match_profiles(PodSpecView& view, std::span<const SidecarProfile> profiles) {
  for (auto& c : view.containers) {
    if (c.kind == ContainerKind::Ephemeral) continue;
    std::string repository = parse_image(c.image).repository();
    for (const auto& profile : profiles) {
      if (!profile.matches_name(c.name)) continue;
      // A container without an image (a partial spec an injector completes) cannot wear a foreign one.
      bool image_ok = c.image.empty() || profile.matches_repository(repository) || override_approves(view, profile, c);
      if (!image_ok) {
        if (profile.distinctive_name) c.impersonates = &profile;
        continue;
      }
      if (status_approves(view, profile, c)) {
        c.profile = &profile;
        c.impersonates = nullptr;
        break;
      }
    }
  }
}

// The application container: the one kubectl.kubernetes.io/default-container
// names, else the first regular container that is not an approved sidecar
// (istio may put its proxy first), else the first regular container.
void assign_roles(PodSpecView& view) {
  std::string_view preferred = view.pod_annotation("kubectl.kubernetes.io/default-container");
  ContainerView* main = nullptr;
  ContainerView* first = nullptr;
  for (auto& c : view.containers) {
    if (c.profile != nullptr && c.kind != ContainerKind::Ephemeral) c.role = ContainerRole::InjectedSidecar;
    if (c.kind != ContainerKind::Regular) continue;
    if (first == nullptr) first = &c;
    if (!preferred.empty() && c.name == preferred) main = &c;
  }
  if (main == nullptr) {
    for (auto& c : view.containers) {
      if (c.kind == ContainerKind::Regular && c.profile == nullptr) {
        main = &c;
        break;
      }
    }
  }
  if (main == nullptr) main = first;
  if (main != nullptr) main->role = ContainerRole::Main;
}

}  // namespace

std::optional<PodSpecView> pod_spec_of(const Object& object, std::span<const SidecarProfile> profiles) {
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
  if (object.ref.kind == "CronJob") view.outer_metadata = object.root->find({"spec", "jobTemplate", "metadata"});
  view.path = prefix + "spec";
  view.metadata_path = prefix + "metadata";
  add_containers(view, ContainerKind::Init);
  add_containers(view, ContainerKind::Regular);
  add_containers(view, ContainerKind::Ephemeral);
  match_profiles(view, profiles);
  assign_roles(view);
  return view;
}

InjectorStatus injector_status(const PodSpecView& pod, const SidecarProfile& profile) {
  InjectorStatus status;
  if (profile.status_annotation.empty()) return status;
  std::string_view value = pod.pod_annotation(profile.status_annotation);
  if (value.empty()) return status;
  status.present = true;
  if (!profile.status_lists_containers) return status;
  std::optional<doc::Node> root = parse_json_annotation(value);
  if (!root) return status;
  if (const doc::Node* list = root->get("containers")) {
    for (const auto& item : list->items()) status.containers.emplace_back(item.str());
  }
  if (const doc::Node* list = root->get("initContainers")) {
    for (const auto& item : list->items()) status.init_containers.emplace_back(item.str());
  }
  return status;
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
