// An alert: one detection on one audit event (or, for an incident, on a
// sequence of them), with who did it, from where, and the evidence.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "audit/event.h"
#include "rules/finding.h"
#include "rules/rule.h"

namespace kg::audit {

struct Evidence {
  std::string key;    // "container", "image", "command", "webhook", "roleRef", ...
  std::string value;  // already redacted: never a secret value
};

struct Alert {
  std::string rule_id;  // KG-AUD-NNN, or the scan rule that judged the object the request wrote
  rules::Severity severity = rules::Severity::Info;
  std::string message;
  // Set by a scan rule's finding on the object the request wrote.
  std::string container;
  std::string container_role;
  std::string path;
  // Covered by a kubeguard.io/ignore annotation on the object, or by the
  // configuration (excluded namespace): kept and marked, as a scan does.
  bool suppressed = false;
  std::string suppression;
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

// The alert as the finding every front reports (rules::Finding): the object
// the request named, the field when a scan rule judged it, and who did what
// as details, redacted. What the reporters (text, json, sarif, junit) and
// the one fingerprint read.
rules::Finding finding_of(const Alert& alert);

}  // namespace kg::audit
