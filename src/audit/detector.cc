#include "audit/detector.h"

#include "audit/detections.h"

namespace kg::audit {
namespace {

// Which stage of a request to judge. The API server may log a request at
// RequestReceived, ResponseStarted (long-running: exec, attach, watch) and
// ResponseComplete; judging one of them avoids double alerts. Exec and attach
// are judged at the first stage that shows them started, so a long shell
// session is reported when it opens, not when it ends.
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
  DetectContext ctx{catalog_, config_, options_.correlation_window_us};
  pending_.clear();
  detect_pod_writes(event, ctx, state_, pending_);
  detect_ephemeral(event, ctx, state_, pending_);
  detect_exec(event, ctx, state_, pending_);
  detect_webhooks(event, ctx, pending_);
  detect_access(event, ctx, pending_);
  correlate(event, ctx, state_, pending_);
  if (options_.since_us && event.time_us > 0 && event.time_us < *options_.since_us) return;
  for (auto& alert : pending_) {
    if (!config_.rule_enabled(alert.rule_id) ||
        (!alert.object_ref.name_space.empty() && config_.namespace_excluded(alert.object_ref.name_space))) {
      ++out.suppressed;
      continue;
    }
    if (auto it = config_.severity_overrides.find(alert.rule_id); it != config_.severity_overrides.end()) {
      alert.severity = it->second;
    }
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
