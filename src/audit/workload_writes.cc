// Pod and workload writes: containers added, images and commands changed
// (S1, S2), containers added at admission (S4's effect), writes by service
// accounts (S2), writes whose body the audit level hides.
#include <fmt/format.h>

#include "audit/detections.h"
#include "audit/redact.h"
#include "k8s/image_ref.h"

namespace kg::audit {
namespace {

using rules::Severity;
using rules::aud::AudRule;

// Image names of well-known miners: an image swapped to one of them is critical.
bool looks_like_miner(std::string_view image) {
  static constexpr std::string_view kWords[] = {"xmrig",    "miner",    "xmr-stak", "cpuminer",  "monero",  "nicehash",
                                                "ethminer", "lolminer", "t-rex",    "nanominer", "coinhive"};
  std::string lower(image);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  for (auto w : kWords) {
    if (lower.find(w) != std::string::npos) return true;
  }
  return false;
}

// Whether `node` is the object of `kind`: its kind says so, or it has none (GKE
// bodies may lack it) and is shaped like an object (metadata and spec).
bool is_object_of(const doc::Node& node, std::string_view kind) {
  if (!node.is_mapping()) return false;
  std::string_view k = k8s::string_at(&node, "kind");
  return k == kind || (k.empty() && node.get("metadata") != nullptr && node.get("spec") != nullptr);
}

// The object after the write: the stored object when the response holds it
// (not a Status), else the full object sent by create or update.
const doc::Node* stored_object(const Event& event, std::string_view kind) {
  if (event.response_object && is_object_of(*event.response_object, kind)) return &*event.response_object;
  if ((event.verb == "create" || event.verb == "update") && event.request_object &&
      is_object_of(*event.request_object, kind)) {
    return &*event.request_object;
  }
  return nullptr;
}

void report_injected(const Event& event, const ContainerChange& change, std::string_view compared_with,
                     std::string_view created_by, std::vector<Alert>& out) {
  Alert alert = alert_for(event, AudRule::InjectedAtAdmission, rules::CaseName(),
                          fmt::format("{} '{}' ({}) was not in {} of {}: added by a mutating admission webhook",
                                      container_word(change.kind), change.name, redact(change.new_value), compared_with,
                                      event.object_ref.display()));
  alert.add("container", change.name);
  alert.add("image", redact(change.new_value));
  alert.add("comparedWith", std::string(compared_with));
  if (!created_by.empty()) alert.add("createdBy", std::string(created_by));
  if (!change.profile.empty()) alert.add("sidecarProfile", change.profile + " (name taken, image outside the profile)");
  out.push_back(std::move(alert));
}

// The controller reference of a pod: "ReplicaSet", "web-7d9f"; empty when none.
std::pair<std::string, std::string> controller_of(const doc::Node& pod) {
  const doc::Node* meta = pod.get("metadata");
  const doc::Node* owners = meta == nullptr ? nullptr : meta->get("ownerReferences");
  if (owners == nullptr || !owners->is_sequence()) return {};
  for (const auto& o : owners->items()) {
    const doc::Node* controller = o.get("controller");
    if (controller != nullptr && controller->as_bool() == true) {
      return {std::string(k8s::string_at(&o, "kind")), std::string(k8s::string_at(&o, "name"))};
    }
  }
  return {};
}

// A pod a controller (or the cloud's own component) created: judged like any
// other pod, once per pod template and container shape, so the replicas of
// one template raise one alert and a replica that differs (a container
// injected into it) raises its own.
void judge_created_by_controller(const Event& event, const doc::Node& pod, const std::optional<PodShape>& after,
                                 const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out) {
  const auto& ref = event.object_ref;
  auto [owner_kind, owner_name] = controller_of(pod);
  const doc::Node* meta = pod.get("metadata");
  const doc::Node* labels = meta == nullptr ? nullptr : meta->get("labels");
  std::string_view hash = k8s::string_at(labels, "pod-template-hash");
  if (hash.empty()) hash = k8s::string_at(labels, "controller-revision-hash");
  std::string group =
      fmt::format("{}/{}/{}#{}#", owner_kind, ref.name_space, owner_name.empty() ? ref.name : owner_name, hash);
  if (after) {
    for (const auto& c : after->containers) {
      group += fmt::format("{}:{}:{}:{};", static_cast<int>(c.kind), c.name, c.image, c.command);
    }
  }
  if (state.template_groups.get(group) != nullptr) return;
  state.template_groups.put(group, true);
  std::string created_by = owner_kind.empty() ? fmt::format("{} (no controller reference)", event.user)
                                              : fmt::format("{} {}/{} by {} (judged once per pod template)", owner_kind,
                                                            ref.name_space, owner_name, event.user);

  // KG-AUD-005: what the controller asked for is the request, else the owner's template as last seen.
  const auto& profiles = ctx.config.settings.sidecar_profiles;
  std::optional<PodShape> requested;
  if (event.request_object) requested = pod_shape(*event.request_object, "Pod", profiles);
  const PodShape* reference = requested && !requested->containers.empty() ? &*requested : nullptr;
  std::string compared_with = "the controller's request";
  if (reference == nullptr && !owner_kind.empty()) {
    std::string resource = owner_kind;
    for (char& c : resource) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    reference =
        state.shapes.get(object_key(EventObjectRef{resource + "s", "", ref.name_space, owner_name, "", "", ""}));
    compared_with = fmt::format("the template of {} {}", owner_kind, owner_name);
  }
  if (reference != nullptr && after) {
    for (const auto& change : added_at_admission(*reference, *after)) {
      if (change.approved) continue;
      report_injected(event, change, compared_with, created_by, out);
    }
  }

  // KG-AUD-017: the same verdict as scan. In a system namespace the
  // platform's own DaemonSets run privileged by design: the write of the
  // owner is judged at full severity, its pods at medium.
  std::vector<Alert> risky;
  detect_risky_pod(event, pod, ctx, risky, created_by);
  const Severity system_pod = rules::aud::graded(AudRule::RiskyPodAdmitted).severity_of("system-namespace-pod"_case);
  for (auto& alert : risky) {
    if (ctx.audit.is_system_namespace(ref.name_space) && alert.severity > system_pod) {
      alert.severity = system_pod;
      alert.add("note", "a controller's pod in a system namespace: its owner's write is what is judged in full");
    }
    out.push_back(std::move(alert));
  }
}

void report_change(const Event& event, const ContainerChange& change, bool earlier_known, std::vector<Alert>& out) {
  std::string word(container_word(change.kind));
  std::string what = event.object_ref.display();
  Alert alert;
  switch (change.change) {
    case ChangeKind::Added: {
      alert = alert_for(
          event, AudRule::ContainerAdded, change.approved ? "approved"_case : rules::CaseName(),
          fmt::format("{} {} '{}' ({}) added to {}", event.verb, word, change.name, redact(change.new_value), what));
      break;
    }
    case ChangeKind::Written: {
      // The earlier state is not in the log: added or changed, we cannot tell.
      rules::CaseName severity = change.approved                      ? "approved"_case
                                 : looks_like_miner(change.new_value) ? rules::CaseName()
                                                                      : "earlier-state-unknown"_case;
      alert = alert_for(event, AudRule::ContainerAdded, severity,
                        fmt::format("{} writes {} '{}' ({}) of {}: added or changed (the earlier state of the object "
                                    "is not in the log)",
                                    event.verb, word, change.name, redact(change.new_value), what));
      alert.add("confidence", "lower: earlier state unknown");
      break;
    }
    case ChangeKind::ImageChanged: {
      // A new version of the same image is a rollout; another repository is
      // another program.
      const bool same_repository = !change.old_value.empty() && k8s::parse_image(change.old_value).repository() ==
                                                                    k8s::parse_image(change.new_value).repository();
      rules::CaseName severity = looks_like_miner(change.new_value) ? "miner"_case
                                 : same_repository                  ? "same-repository"_case
                                                                    : rules::CaseName();
      if (change.approved) severity = "approved"_case;
      if (!change.profile.empty() && !change.approved) severity = "sidecar-off-profile"_case;
      alert = alert_for(
          event, AudRule::ImageChanged, severity,
          fmt::format("{} '{}' of {} now runs {}{}", word, change.name, what, redact(change.new_value),
                      change.old_value.empty() ? std::string() : fmt::format(" (was {})", redact(change.old_value))));
      if (!change.old_value.empty()) alert.add("previousImage", redact(change.old_value));
      break;
    }
    case ChangeKind::CommandChanged: {
      alert = alert_for(event, AudRule::CommandChanged, change.approved ? "approved"_case : rules::CaseName(),
                        fmt::format("command of {} '{}' of {} changed", word, change.name, what));
      if (!change.old_value.empty()) alert.add("previousCommand", redact(change.old_value));
      alert.add("command", redact(change.new_value));
      break;
    }
  }
  alert.add("container", change.name);
  if (change.change != ChangeKind::CommandChanged) alert.add("image", redact(change.new_value));
  if (!change.profile.empty()) {
    alert.add("sidecarProfile", change.approved ? change.profile + " (approved)"
                                                : change.profile + " (name taken, image outside the profile)");
  }
  if (!earlier_known && change.change != ChangeKind::Written) alert.add("earlierState", "read from the patch body");
  add_caller_notes(event, alert);
  out.push_back(std::move(alert));
}

}  // namespace

void detect_pod_writes(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out) {
  const auto& ref = event.object_ref;
  // A custom resource says it keeps a pod only in its body: a delete, or a
  // refused write, has none, and counts when the object was seen as a workload.
  if (!writes_pods(event) && !(is_custom_group(ref.api_group) && state.shapes.get(object_key(ref)) != nullptr)) return;
  // status is the controllers' own; exec, attach, ephemeralcontainers have their own detections.
  if (!ref.subresource.empty() && ref.subresource != "scale") return;
  if (!is_write_verb(event.verb)) return;
  std::string key = object_key(ref);
  if (event.verb == "delete") {
    if (event.succeeded()) state.shapes.erase(key);
  }
  const bool control_plane = ctx.trusted(event);
  const std::string_view kind = kind_of(ref);
  const auto& profiles = ctx.config.settings.sidecar_profiles;

  // S2: a workload's service account writing pods or workloads.
  if (event.is_service_account() && !control_plane && !event.denied() && ref.subresource == "scale") {
    // Scaling runs more or fewer of what is there: an autoscaler's or CI's everyday write.
    Alert alert = alert_for(event, AudRule::ServiceAccountPodWrite, "scale"_case,
                            fmt::format("service account {}/{} scaled {}", event.service_account_namespace(),
                                        event.service_account_name(), ref.display()));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  } else if (event.is_service_account() && !control_plane && !event.denied()) {
    Alert alert =
        alert_for(event, AudRule::ServiceAccountPodWrite, event.succeeded() ? rules::CaseName() : "failed"_case,
                  fmt::format("service account {}/{} {} {}", event.service_account_namespace(),
                              event.service_account_name(), event.verb, ref.display()));
    if (!event.succeeded()) {
      alert.add("outcome", fmt::format("failed with HTTP {}", event.response_code));
    }
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  } else if (event.is_service_account() && !control_plane && event.denied()) {
    Alert alert = alert_for(event, AudRule::ServiceAccountPodWrite, "denied"_case,
                            fmt::format("service account {}/{} was denied {} on {}", event.service_account_namespace(),
                                        event.service_account_name(), event.verb, ref.display()));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
  if (!ref.subresource.empty() || event.verb == "delete" || event.verb == "deletecollection") return;

  // Service accounts count (an application's token used there), other system: users (bootstrap) do not.
  if (event.verb == "create" && ctx.audit.is_system_namespace(ref.name_space) && !control_plane && event.succeeded() &&
      (event.is_service_account() || !event.user.starts_with("system:"))) {
    out.push_back(
        alert_for(event, AudRule::PodInSystemNamespace, rules::CaseName(),
                  fmt::format("{} created {} in {}, a system namespace", event.user, ref.display(), ref.name_space)));
  }

  const doc::Node* after_node = event.succeeded() ? stored_object(event, kind) : nullptr;
  std::optional<PodShape> after = after_node != nullptr ? pod_shape(*after_node, kind, profiles) : std::nullopt;
  if (ref.name.empty() && after_node != nullptr) {
    // A create by generateName (the controllers' pods): the log's reference
    // has no name, the stored object does; later requests use it.
    std::string_view name = k8s::string_at(after_node->get("metadata"), "name");
    if (!name.empty())
      key = object_key(EventObjectRef{ref.resource, "", ref.name_space, std::string(name), "", "", ""});
  }
  const PodShape* before = state.shapes.get(key);

  if (after_node == nullptr) {
    // Metadata level (no body), or a failed write.
    bool hidden =
        event.level == "Metadata" || event.level == "None" || (!event.request_object && !event.response_object);
    if (event.succeeded() && hidden && event.verb != "create" && !control_plane) {
      Alert alert = alert_for(event, AudRule::PodWriteUnseen, rules::CaseName(),
                              fmt::format("{} {} at audit level {}: what changed is not in the log", event.verb,
                                          ref.display(), event.level.empty() ? "unknown" : event.level));
      alert.add("confidence", "lower: request and response bodies not logged");
      add_caller_notes(event, alert);
      out.push_back(std::move(alert));
    }
    return;
  }

  if (!control_plane) {
    bool changed_containers = false;
    if (event.verb == "create") {
      // Containers the stored object has and the request did not: added at admission.
      if (event.request_object && event.response_object && after) {
        auto requested = pod_shape(*event.request_object, kind, profiles);
        if (requested) {
          for (const auto& change : added_at_admission(*requested, *after)) {
            if (change.approved) continue;  // istio, linkerd... injecting as configured
            report_injected(event, change, "the request that created it", "", out);
          }
        }
      }
    } else if (after) {
      std::vector<ContainerChange> changes;
      if (before != nullptr) {
        changes = compare_shapes(*before, *after);
      } else if (event.request_object) {
        changes =
            event.verb == "patch" ? interpret_patch(*event.request_object, &*after) : std::vector<ContainerChange>{};
      }
      for (const auto& change : changes) {
        if (change.kind == k8s::ContainerKind::Ephemeral) continue;  // KG-AUD-006
        report_change(event, change, before != nullptr, out);
        changed_containers = true;
      }
    }
    // Any write that touches the pod spec is judged: a patch that only sets
    // privileged: true on a known workload changes no container, and is the attack.
    bool judge = event.verb == "create" || changed_containers ||
                 (event.request_object && touches_pod_spec(*event.request_object));
    if (judge) detect_risky_pod(event, *after_node, ctx, out);
  } else if (event.verb == "create" && ref.resource == "pods" && event.succeeded()) {
    judge_created_by_controller(event, *after_node, after, ctx, state, out);
  }
  if (after) state.shapes.put(key, std::move(*after));
}

void detect_ephemeral(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out) {
  const auto& ref = event.object_ref;
  if (ref.resource != "pods" || ref.subresource != "ephemeralcontainers") return;
  if (event.verb != "update" && event.verb != "patch") return;
  const auto& profiles = ctx.config.settings.sidecar_profiles;
  std::string key = object_key(EventObjectRef{"pods", "", ref.name_space, ref.name, "", "", ""});
  const PodShape* before = state.shapes.get(key);
  std::vector<const ContainerSummary*> added;
  std::optional<PodShape> after;
  if (event.succeeded() && event.response_object && event.response_object->is_mapping()) {
    after = pod_shape(*event.response_object, "Pod", profiles);
  }
  std::optional<PodShape> requested;
  if (event.request_object) requested = pod_shape(*event.request_object, "Pod", profiles);
  const PodShape* source = after ? &*after : requested ? &*requested : nullptr;
  if (source != nullptr) {
    for (const auto& c : source->containers) {
      if (c.kind != k8s::ContainerKind::Ephemeral) continue;
      if (before != nullptr && before->find(c.name, c.kind) != nullptr) continue;
      added.push_back(&c);
    }
  }
  rules::CaseName severity = event.denied() ? "denied"_case : rules::CaseName();
  if (added.empty()) {
    Alert alert = alert_for(event, AudRule::EphemeralContainer, severity,
                            fmt::format("{} on pods/ephemeralcontainers of {}", event.verb, ref.display()));
    if (!event.succeeded()) alert.add("outcome", fmt::format("failed with HTTP {}", event.response_code));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
  for (const ContainerSummary* c : added) {
    Alert alert = alert_for(event, AudRule::EphemeralContainer, severity,
                            fmt::format("ephemeral container '{}' ({}) added to pod {}/{}", c->name, redact(c->image),
                                        ref.name_space, ref.name));
    alert.add("container", c->name);
    alert.add("image", redact(c->image));
    if (!c->command.empty()) alert.add("command", redact(c->command));
    if (!event.succeeded()) alert.add("outcome", fmt::format("failed with HTTP {}", event.response_code));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
  if (after) state.shapes.put(key, std::move(*after));
}

}  // namespace kg::audit
