// An alert: one detection on one audit event (or, for an incident, on a
// sequence of them), with who did it, from where, and the evidence.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "audit/event.h"
#include "rules/rule.h"

namespace kg::audit {

struct Evidence {
  std::string key;    // "container", "image", "command", "webhook", "roleRef", ...
  std::string value;  // already redacted: never a secret value
};

struct Alert {
  std::string rule_id;  // KG-AUD-NNN
  rules::Severity severity = rules::Severity::Info;
  std::string message;
  std::string time;
  int64_t time_us = 0;
  std::string user;
  std::vector<std::string> groups;
  std::string impersonated_user;
  std::vector<std::string> source_ips;
  std::string user_agent;
  std::string verb;
  EventObjectRef object_ref;
  std::string audit_id;
  int response_code = 0;
  std::string decision;
  std::vector<Evidence> evidence;
  std::vector<std::string> related_audit_ids;  // an incident's other events
  std::string source;                          // "file:line" when the event came from a file

  void add(std::string key, std::string value) { evidence.push_back({std::move(key), std::move(value)}); }
};

// An alert about `event`, with the event's identity fields filled in.
Alert alert_for(const Event& event, std::string_view rule_id, rules::Severity severity, std::string message);

}  // namespace kg::audit
