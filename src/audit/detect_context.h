// What every detection reads besides the event: the catalog (titles, and the
// scan rules KG-AUD-017 runs), the configuration (approved sidecars and
// webhooks), and the state kept across events (bounded).
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "audit/alert.h"
#include "audit/bounded_map.h"
#include "audit/containers.h"
#include "audit/event.h"
#include "engine/config.h"
#include "rules/aud/aud_rules.h"
#include "rules/catalog.h"

namespace kg::audit {

struct DetectContext {
  const rules::Catalog& catalog;
  const engine::Config& config;
  int64_t correlation_window_us = int64_t{600} * 1'000'000;
};

// An exec or attach into a pod, kept for the correlation window.
struct ExecRecord {
  std::string name_space;
  std::string pod;
  std::string service_account;  // the pod's, when the log told us; "" otherwise
  std::string audit_id;
  std::string user;
  std::string command;  // redacted
  int64_t time_us = 0;
  bool incident_raised = false;
};

struct DetectorState {
  explicit DetectorState(size_t max_objects, size_t max_execs)
      : shapes(max_objects), exec_started(max_execs), exec_attempts(max_execs), max_execs(max_execs) {}

  // Last known containers of each pod and workload, by "resource/namespace/name".
  BoundedMap<PodShape> shapes;
  // auditIDs of exec/attach already reported at ResponseStarted (so the
  // ResponseComplete of the same request is not reported twice).
  BoundedMap<bool> exec_started;
  // Time of the last exec/attach request per user, pod and command.
  BoundedMap<int64_t> exec_attempts;
  std::deque<ExecRecord> execs;
  size_t max_execs;
};

std::string object_key(const EventObjectRef& ref);

// RFC 1918, loopback, link-local, unique-local IPv6: an in-cluster caller.
bool is_private_address(std::string_view ip);
bool is_write_verb(std::string_view verb);
bool is_pod_or_workload(std::string_view resource);

std::string_view container_word(k8s::ContainerKind kind);

// Notes about the caller that help an analyst: kubectl/curl user agents,
// in-cluster source addresses.
void add_caller_notes(const Event& event, Alert& alert);

inline std::string_view rule_id(rules::aud::AudRule rule) { return rules::aud::meta(rule).id; }

}  // namespace kg::audit
