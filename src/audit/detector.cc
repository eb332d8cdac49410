#include "audit/detector.h"

#include "audit/detections.h"
#include "engine/suppression.h"
#include "k8s/pod_spec.h"

namespace kg::audit {
namespace {

// Which stage of a request to judge. The API server may log a request at
// RequestReceived, ResponseStarted (long-running: exec, attach, watch) and
// ResponseComplete; judging one of them avoids double alerts. Exec and attach
// are judged at the first stage that shows them started, so a long shell
// session is reported when it opens, not when it ends.
// The ignore annotations of the object a create wrote (the response's copy
// when the API server logged it, else the request's). As in admission, they
// cannot excuse what an update or patch changes: whoever writes the object
// writes its annotations too, in the same request.
engine::IgnoreList ignore_list_of_request(const Event& event, const engine::Config& config) {
  if (event.verb != "create") return {};
  const doc::Node* body = event.response_object && event.response_object->is_mapping() ? &*event.response_object
                          : event.request_object && event.request_object->is_mapping() ? &*event.request_object
                                                                                       : nullptr;
  if (body == nullptr || body->get("metadata") == nullptr) return {};
  k8s::Object view;
  view.ref.api_version = std::string(k8s::string_at(body, "apiVersion"));
  view.ref.kind = std::string(kind_of(event.object_ref));
  view.root = body;
  std::optional<k8s::PodSpecView> pod = k8s::pod_spec_of(view, config.settings.sidecar_profiles);
  return engine::ignore_list_of(view, pod ? &*pod : nullptr);
}

bool judged_stage(const Event& event) {
  if (event.stage.empty() || event.stage == "ResponseComplete" || event.stage == "Panic") return true;
  if (event.stage == "ResponseStarted") {
    return event.object_ref.subresource == "exec" || event.object_ref.subresource == "attach";
  }
  return false;
}

}  // namespace

Detector::Detector(const rules::Catalog& catalog, engine::Config config, DetectorOptions options)
    : catalog_(catalog),
      config_(std::move(config)),
      options_(options),
      state_(options.max_tracked_objects, options.max_tracked_execs) {
  auto parsed = parse_audit_settings(config_.audit ? &*config_.audit : nullptr, config_.source);
  settings_ = std::move(parsed.settings);
  settings_errors_ = std::move(parsed.errors);
  decoder_.set_skip_irrelevant(true);
}

DetectResult Detector::process_json(std::string_view json) {
  DetectResult out;
  std::lock_guard lock(mutex_);
  out.error = decoder_.decode(json, [&](const Event& event) { process_locked(event, out); });
  out.events = decoder_.last_count();
  return out;
}

void Detector::process_events(std::vector<Event>& events, DetectResult& out) {
  std::lock_guard lock(mutex_);
  out.events += events.size();
  for (const auto& event : events) process_locked(event, out);
}

void Detector::process_locked(const Event& event, DetectResult& out) {
  if (!judged_stage(event)) return;
  DetectContext ctx{catalog_, config_, settings_, options_.correlation_window_us};
  pending_.clear();
  detect_pod_writes(event, ctx, state_, pending_);
  detect_ephemeral(event, ctx, state_, pending_);
  detect_exec(event, ctx, state_, pending_);
  detect_webhooks(event, ctx, pending_);
  detect_access(event, ctx, state_, pending_);
  detect_certificates(event, ctx, state_, pending_);
  correlate(event, ctx, state_, pending_);
  if (options_.since_us && event.time_us > 0 && event.time_us < *options_.since_us) return;
  if (pending_.empty()) return;
  // The same policy as a scan (engine::apply_policy): severity overrides, the
  // kubeguard.io/ignore annotations of the object the request wrote, excluded
  // namespaces. A disabled rule reports nothing, as in a scan.
  const engine::IgnoreList ignore = ignore_list_of_request(event, config_);
  for (auto& alert : pending_) {
    const rules::RuleEntry* entry = catalog_.find(alert.rule_id);
    if (!config_.rule_enabled(alert.rule_id) || entry == nullptr) {
      ++out.suppressed;
      continue;
    }
    rules::Finding policy;
    policy.rule_id = alert.rule_id;
    policy.severity = alert.severity;
    policy.object.name_space = alert.object_ref.name_space;
    engine::apply_policy(policy, *entry->meta, ignore, config_);
    alert.severity = policy.severity;
    if (policy.suppressed && !alert.suppressed) {
      alert.suppressed = true;
      alert.suppression = std::move(policy.suppression);
    }
    if (alert.suppressed) ++out.suppressed;
    out.alerts.push_back(std::move(alert));
  }
  pending_.clear();
}

std::string_view Detector::title(std::string_view rule_id) const {
  const rules::RuleEntry* entry = catalog_.find(rule_id);
  return entry == nullptr ? std::string_view() : entry->meta->title;
}

size_t Detector::tracked_objects() const {
  std::lock_guard lock(mutex_);
  return state_.shapes.size();
}

}  // namespace kg::audit
