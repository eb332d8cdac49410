#include "audit/alert.h"

#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/redact.h"

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

rules::Finding finding_of(const Alert& alert) {
  using util::redact;
  rules::Finding f;
  f.rule_id = alert.rule_id;
  f.severity = alert.severity;
  const EventObjectRef& ref = alert.object_ref;
  f.object.api_version = ref.api_group.empty() ? ref.api_version : fmt::format("{}/{}", ref.api_group, ref.api_version);
  f.object.kind = std::string(kind_of(ref));
  if (f.object.kind.empty()) f.object.kind = ref.resource;
  f.object.name_space = ref.name_space;
  f.object.name = ref.name;
  f.container = alert.container;
  f.container_role = alert.container_role;
  f.path = alert.path;
  // "file:line" of the log line the event came from.
  if (size_t colon = alert.source.rfind(':'); colon != std::string::npos) {
    f.file = alert.source.substr(0, colon);
    f.mark.line = static_cast<uint32_t>(std::strtoul(alert.source.c_str() + colon + 1, nullptr, 10));
    f.mark.column = 1;  // an event is a line (or starts one)
  } else {
    f.file = alert.source;
  }
  f.message = redact(alert.message);
  f.suppressed = alert.suppressed;
  f.suppression = alert.suppression;
  auto add = [&](std::string_view key, std::string value) {
    if (!value.empty()) f.details.push_back({std::string(key), std::move(value)});
  };
  add("time", alert.time);
  add("user", alert.user);
  add("groups", fmt::format("{}", fmt::join(alert.groups, ",")));
  add("impersonatedUser", alert.impersonated_user);
  add("sourceIPs", fmt::format("{}", fmt::join(alert.source_ips, ",")));
  add("userAgent", redact(alert.user_agent));
  add("verb", alert.verb);
  add("resource", ref.subresource.empty() ? ref.resource : fmt::format("{}/{}", ref.resource, ref.subresource));
  add("auditID", alert.audit_id);
  if (alert.response_code != 0) add("responseCode", std::to_string(alert.response_code));
  add("decision", alert.decision);
  for (const auto& e : alert.evidence) add(e.key, redact(e.value));
  add("relatedAuditIDs", fmt::format("{}", fmt::join(alert.related_audit_ids, ",")));
  return f;
}

}  // namespace kg::audit
