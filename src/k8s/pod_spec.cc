#include "k8s/pod_spec.h"

#include <algorithm>
#include <array>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "doc/source.h"
#include "k8s/image_ref.h"
#include "k8s/kinds.h"

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
  const KindInfo* info = find_kind({}, kind);
  return info != nullptr && info->carries_pod();
}

bool is_workload_kind(std::string_view kind) {
  const KindInfo* info = find_kind({}, kind);
  return info != nullptr && info->owns_pods;
}

namespace {

// Kinds the table does not know (custom resources: Argo Rollouts, OpenShift
// DeploymentConfigs, Knative Services, ...) are read as workloads when they
// keep a pod template where the built-in controllers do. Only a template
// whose spec lists containers counts, so a template of something else (a
// KubeVirt VirtualMachine's) is left alone.
constexpr std::array kForeignTemplates = {PodAt::SpecTemplate, PodAt::JobTemplate};

const doc::Node* pod_holder(const doc::Node* root, PodAt at) {
  const doc::Node* holder = root;
  for (auto key : pod_template_keys(at)) {
    holder = holder->get(key);
    if (holder == nullptr || !holder->is_mapping()) return nullptr;
  }
  return holder;
}

bool lists_containers(const doc::Node* holder) {
  const doc::Node* spec = holder == nullptr ? nullptr : holder->get("spec");
  const doc::Node* containers = spec == nullptr || !spec->is_mapping() ? nullptr : spec->get("containers");
  if (containers == nullptr || !containers->is_sequence() || containers->size() == 0) return false;
  return std::all_of(containers->items().begin(), containers->items().end(),
                     [](const doc::Node& c) { return c.is_mapping(); });
}

// Where the object keeps its pod: from the table, or found at a recognised
// place for a kind the table does not have; nullopt when it carries none.
std::optional<PodAt> pod_location(const Object& object) {
  if (const KindInfo* info = find_kind(object.ref.api_version, object.ref.kind)) {
    if (!info->carries_pod()) return std::nullopt;
    return info->pod;
  }
  if (object.ref.kind.empty()) return std::nullopt;
  for (PodAt at : kForeignTemplates) {
    if (lists_containers(pod_holder(object.root, at))) return at;
  }
  return std::nullopt;
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

// What a pod's injector annotations say for one profile, read once per pod:
// every container that takes the profile's name asks, and a pod may have
// thousands of them.
struct ProfileFacts {
  bool overrides_read = false;
  std::set<std::pair<std::string, std::string>, std::less<>> overrides;  // (name, image) the injector recorded
  bool status_read = false;
  InjectorStatus status;
  std::unordered_set<std::string_view> containers, init_containers;  // views into `status`
};

// The injector recorded an override of this container's image (istio's
// proxy.istio.io/overrides), so a non-default image is still its own.
bool override_approves(const PodSpecView& view, const SidecarProfile& profile, ProfileFacts& facts,
                       const ContainerView& c) {
  if (profile.override_annotation.empty()) return false;
  if (!facts.overrides_read) {
    facts.overrides_read = true;
    std::string_view value = view.pod_annotation(profile.override_annotation);
    std::optional<doc::Node> root = value.empty() ? std::nullopt : parse_json_annotation(value);
    for (auto field : {"containers", "initContainers"}) {
      const doc::Node* list = root ? root->get(field) : nullptr;
      if (list == nullptr) continue;
      for (const auto& item : list->items()) {
        facts.overrides.emplace(std::string(string_at(&item, "name")), std::string(string_at(&item, "image")));
      }
    }
  }
  return facts.overrides.contains(std::make_pair(std::string(c.name), std::string(c.image)));
}

bool status_approves(const PodSpecView& view, const SidecarProfile& profile, ProfileFacts& facts,
                     const ContainerView& c) {
  if (profile.status_annotation.empty()) return true;
  if (!facts.status_read) {
    facts.status_read = true;
    facts.status = injector_status(view, profile);
    facts.containers.insert(facts.status.containers.begin(), facts.status.containers.end());
    facts.init_containers.insert(facts.status.init_containers.begin(), facts.status.init_containers.end());
  }
  if (!facts.status.present) return false;
  if (!profile.status_lists_containers) return true;
  return (c.kind == ContainerKind::Init ? facts.init_containers : facts.containers).contains(c.name);
}

void match_profiles(PodSpecView& view, std::span<const SidecarProfile> profiles) {
  std::unordered_map<const SidecarProfile*, ProfileFacts> facts;
  for (auto& c : view.containers) {
    if (c.kind == ContainerKind::Ephemeral) continue;
    std::string repository = parse_image(c.image).repository();
    for (const auto& profile : profiles) {
      if (!profile.matches_name(c.name)) continue;
      // A container without an image (a partial spec an injector completes) cannot wear a foreign one.
      bool image_ok = c.image.empty() || profile.matches_repository(repository) ||
                      override_approves(view, profile, facts[&profile], c);
      if (!image_ok) {
        if (profile.distinctive_name) c.impersonates = &profile;
        continue;
      }
      if (status_approves(view, profile, facts[&profile], c)) {
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
  std::optional<PodAt> at = pod_location(object);
  if (!at) return std::nullopt;
  const doc::Node* holder = object.root;
  std::string prefix;  // paths are relative to the object; the Emitter adds any List prefix
  for (auto key : pod_template_keys(*at)) {
    holder = holder->get(key);
    if (holder == nullptr || !holder->is_mapping()) return std::nullopt;
    prefix += std::string(key) + ".";
  }
  const doc::Node* spec = holder->get("spec");
  if (spec == nullptr || !spec->is_mapping()) return std::nullopt;
  PodSpecView view;
  view.spec = spec;
  view.metadata = holder->get("metadata");
  if (*at == PodAt::JobTemplate) view.outer_metadata = object.root->find({"spec", "jobTemplate", "metadata"});
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
