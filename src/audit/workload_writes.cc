// Pod and workload writes: containers added, images and commands changed
// (S1, S2), containers added at admission (S4's effect), writes by service
// accounts (S2), writes whose body the audit level hides.
#include <fmt/format.h>

#include "audit/detections.h"
#include "audit/redact.h"

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

// The object after the write: the stored object when the response holds it
// (not a Status), else the full object sent by create or update.
const doc::Node* stored_object(const Event& event, std::string_view kind) {
  if (event.response_object && event.response_object->is_mapping() &&
      k8s::string_at(&*event.response_object, "kind") == kind) {
    return &*event.response_object;
  }
  if ((event.verb == "create" || event.verb == "update") && event.request_object &&
      event.request_object->is_mapping() && k8s::string_at(&*event.request_object, "kind") == kind) {
    return &*event.request_object;
  }
  return nullptr;
}

void report_change(const Event& event, const ContainerChange& change, bool earlier_known, std::vector<Alert>& out) {
  std::string word(container_word(change.kind));
  std::string what = event.object_ref.display();
  Alert alert;
  switch (change.change) {
    case ChangeKind::Added: {
      Severity s = change.approved ? Severity::Low : Severity::Critical;
      alert = alert_for(
          event, rule_id(AudRule::ContainerAdded), s,
          fmt::format("{} {} '{}' ({}) added to {}", event.verb, word, change.name, redact(change.new_value), what));
      break;
    }
    case ChangeKind::Written: {
      // The earlier state is not in the log: added or changed, we cannot tell.
      Severity s = change.approved                      ? Severity::Low
                   : looks_like_miner(change.new_value) ? Severity::Critical
                                                        : Severity::High;
      alert = alert_for(event, rule_id(AudRule::ContainerAdded), s,
                        fmt::format("{} writes {} '{}' ({}) of {}: added or changed (the earlier state of the object "
                                    "is not in the log)",
                                    event.verb, word, change.name, redact(change.new_value), what));
      alert.add("confidence", "lower: earlier state unknown");
      break;
    }
    case ChangeKind::ImageChanged: {
      Severity s = looks_like_miner(change.new_value) ? Severity::Critical : Severity::High;
      if (change.approved) s = Severity::Low;
      if (!change.profile.empty() && !change.approved)
        s = Severity::Critical;  // a sidecar's image moved off its profile
      alert = alert_for(
          event, rule_id(AudRule::ImageChanged), s,
          fmt::format("{} '{}' of {} now runs {}{}", word, change.name, what, redact(change.new_value),
                      change.old_value.empty() ? std::string() : fmt::format(" (was {})", redact(change.old_value))));
      if (!change.old_value.empty()) alert.add("previousImage", redact(change.old_value));
      break;
    }
    case ChangeKind::CommandChanged: {
      alert = alert_for(event, rule_id(AudRule::CommandChanged), change.approved ? Severity::Low : Severity::High,
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
  if (!is_pod_or_workload(ref.resource)) return;
  // status is the controllers' own; exec, attach, ephemeralcontainers have their own detections.
  if (!ref.subresource.empty() && ref.subresource != "scale") return;
  if (!is_write_verb(event.verb)) return;
  std::string key = object_key(ref);
  if (event.verb == "delete") {
    if (event.succeeded()) state.shapes.erase(key);
  }
  const bool control_plane = is_control_plane(event);
  const std::string_view kind = kind_of_resource(ref.resource);
  const auto& profiles = ctx.config.settings.sidecar_profiles;

  // S2: a workload's service account writing pods or workloads.
  if (event.is_service_account() && !control_plane && !event.denied()) {
    Alert alert = alert_for(event, rule_id(AudRule::ServiceAccountPodWrite), Severity::High,
                            fmt::format("service account {}/{} {} {}", event.service_account_namespace(),
                                        event.service_account_name(), event.verb, ref.display()));
    if (!event.succeeded()) {
      alert.severity = Severity::Medium;
      alert.add("outcome", fmt::format("failed with HTTP {}", event.response_code));
    }
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  } else if (event.is_service_account() && !control_plane && event.denied()) {
    Alert alert = alert_for(event, rule_id(AudRule::ServiceAccountPodWrite), Severity::Low,
                            fmt::format("service account {}/{} was denied {} on {}", event.service_account_namespace(),
                                        event.service_account_name(), event.verb, ref.display()));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
  if (!ref.subresource.empty() || event.verb == "delete" || event.verb == "deletecollection") return;

  // Service accounts count (an application's token used there), other system: users (bootstrap) do not.
  if (event.verb == "create" && ref.name_space == "kube-system" && !control_plane && event.succeeded() &&
      (event.is_service_account() || !event.user.starts_with("system:"))) {
    out.push_back(alert_for(event, rule_id(AudRule::PodInSystemNamespace), Severity::Medium,
                            fmt::format("{} created {} in kube-system", event.user, ref.display())));
  }

  const doc::Node* after_node = event.succeeded() ? stored_object(event, kind) : nullptr;
  std::optional<PodShape> after = after_node != nullptr ? pod_shape(*after_node, kind, profiles) : std::nullopt;
  const PodShape* before = state.shapes.get(key);

  if (after_node == nullptr) {
    // Metadata level (no body), or a failed write.
    bool hidden =
        event.level == "Metadata" || event.level == "None" || (!event.request_object && !event.response_object);
    if (event.succeeded() && hidden && event.verb != "create" && !control_plane) {
      Alert alert = alert_for(event, rule_id(AudRule::PodWriteUnseen), Severity::Medium,
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
            Alert alert = alert_for(
                event, rule_id(AudRule::InjectedAtAdmission), Severity::High,
                fmt::format("{} '{}' ({}) was not in the request that created {}: added by a "
                            "mutating admission webhook",
                            container_word(change.kind), change.name, redact(change.new_value), ref.display()));
            alert.add("container", change.name);
            alert.add("image", redact(change.new_value));
            if (!change.profile.empty())
              alert.add("sidecarProfile", change.profile + " (name taken, image outside the profile)");
            out.push_back(std::move(alert));
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
    bool judge = event.verb == "create" || changed_containers ||
                 (event.request_object && touches_pod_spec(*event.request_object) && before == nullptr);
    if (judge) detect_risky_pod(event, *after_node, ctx, out);
  }
  if (after) state.shapes.put(key, std::move(*after));
}

void detect_ephemeral(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out) {
  const auto& ref = event.object_ref;
  if (ref.resource != "pods" || ref.subresource != "ephemeralcontainers") return;
  if (event.verb != "update" && event.verb != "patch") return;
  const auto& profiles = ctx.config.settings.sidecar_profiles;
  std::string key = object_key(EventObjectRef{"pods", "", ref.name_space, ref.name, "", ""});
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
  Severity severity = event.denied() ? Severity::Low : Severity::High;
  if (added.empty()) {
    Alert alert = alert_for(event, rule_id(AudRule::EphemeralContainer), severity,
                            fmt::format("{} on pods/ephemeralcontainers of {}", event.verb, ref.display()));
    if (!event.succeeded()) alert.add("outcome", fmt::format("failed with HTTP {}", event.response_code));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
  for (const ContainerSummary* c : added) {
    Alert alert = alert_for(event, rule_id(AudRule::EphemeralContainer), severity,
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
