// The audit detector: API server audit events in, alerts out.
//
//   kg::audit::Detector detector(catalog, config);
//   auto result = detector.process_json(body);  // an EventList (audit webhook) or one Event line
//   for (const auto& alert : result.alerts) ...
//
// The same object serves `kubeguard audit` (a log, line by line) and the
// audit webhook of `kubeguard serve` (EventList bodies). It keeps bounded
// state between calls: the last known containers of each pod and workload
// (to tell an added container from a changed one), recent execs (for the
// exec-then-write incident) and exec sessions already reported. Every public
// member may be called from several threads; calls are serialised by a mutex.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/alert.h"
#include "audit/detect_context.h"
#include "audit/event.h"
#include "audit/event_decoder.h"
#include "engine/config.h"
#include "rules/catalog.h"

namespace kg::audit {

struct DetectorOptions {
  int64_t correlation_window_us = int64_t{600} * 1'000'000;  // exec then write: 10 minutes
  size_t max_tracked_objects = 200'000;                      // pods and workloads whose containers are remembered
  size_t max_tracked_execs = 10'000;
  // Events that started before this time (microseconds since the epoch) feed
  // the state but raise no alert (`--since`).
  std::optional<int64_t> since_us;
};

struct DetectResult {
  std::vector<Alert> alerts;
  size_t events = 0;      // events decoded
  size_t suppressed = 0;  // rule disabled (dropped), or marked suppressed: annotation, excluded namespace
  std::string error;      // why the text was not (wholly) audit events; "" when it was
};

class Detector {
 public:
  // `catalog` must outlive the detector; `config` gives approved sidecars and
  // webhooks, disabled rules, severity overrides and excluded namespaces.
  Detector(const rules::Catalog& catalog, engine::Config config, DetectorOptions options = {});

  // One JSON text: an audit Event, an EventList, or a GKE / AKS wrapped event.
  DetectResult process_json(std::string_view json);
  // Events already decoded (appends to `out`).
  void process_events(std::vector<Event>& events, DetectResult& out);

  // The catalog title of an alert's rule ("" when unknown).
  std::string_view title(std::string_view rule_id) const;
  size_t tracked_objects() const;
  // Errors in the configuration's `audit:` section (the defaults apply where a field is wrong).
  const std::vector<doc::LoadError>& settings_errors() const { return settings_errors_; }
  const AuditSettings& settings() const { return settings_; }

 private:
  void process_locked(const Event& event, DetectResult& out);

  const rules::Catalog& catalog_;
  engine::Config config_;
  DetectorOptions options_;
  AuditSettings settings_;
  std::vector<doc::LoadError> settings_errors_;
  mutable std::mutex mutex_;
  EventDecoder decoder_;
  DetectorState state_;
  std::vector<Alert> pending_;
};

}  // namespace kg::audit
