#include "audit/alert.h"

namespace kg::audit {

Alert alert_for(const Event& event, std::string_view rule_id, rules::Severity severity, std::string message) {
  Alert alert;
  alert.rule_id = std::string(rule_id);
  alert.severity = severity;
  alert.message = std::move(message);
  alert.time = event.time;
  alert.time_us = event.time_us;
  alert.user = event.user;
  alert.groups = event.groups;
  alert.impersonated_user = event.impersonated_user;
  alert.source_ips = event.source_ips;
  alert.user_agent = event.user_agent;
  alert.verb = event.verb;
  alert.object_ref = event.object_ref;
  alert.audit_id = event.audit_id;
  alert.response_code = event.response_code;
  alert.decision = event.decision;
  return alert;
}

}  // namespace kg::audit
