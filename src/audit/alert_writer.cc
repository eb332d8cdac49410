#include "audit/alert_writer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "report/json_writer.h"

namespace kg::audit {
namespace {

std::string_view color_of(rules::Severity severity) {
  switch (severity) {
    case rules::Severity::Critical: return "\033[1;35m";
    case rules::Severity::High: return "\033[1;31m";
    case rules::Severity::Medium: return "\033[33m";
    case rules::Severity::Low: return "\033[36m";
    case rules::Severity::Info: return "\033[2m";
  }
  return "";
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return out;
}

}  // namespace

void write_alert_json(std::ostream& out, const Alert& alert, std::string_view title) {
  report::JsonWriter w(out, false);
  w.begin_object();
  w.field("rule", alert.rule_id);
  w.field("severity", rules::severity_name(alert.severity));
  w.field("title", title);
  w.field("message", alert.message);
  w.field("time", alert.time);
  w.field("user", alert.user);
  w.key("groups").begin_array();
  for (const auto& g : alert.groups) w.value(g);
  w.end_array();
  if (!alert.impersonated_user.empty()) w.field("impersonatedUser", alert.impersonated_user);
  w.key("sourceIPs").begin_array();
  for (const auto& ip : alert.source_ips) w.value(ip);
  w.end_array();
  w.field("userAgent", alert.user_agent);
  w.field("verb", alert.verb);
  w.key("objectRef").begin_object();
  const auto& ref = alert.object_ref;
  w.field("resource", ref.resource);
  if (!ref.subresource.empty()) w.field("subresource", ref.subresource);
  if (!ref.name_space.empty()) w.field("namespace", ref.name_space);
  w.field("name", ref.name);
  w.field("apiGroup", ref.api_group);
  w.field("apiVersion", ref.api_version);
  w.end_object();
  w.field("auditID", alert.audit_id);
  w.field("responseCode", alert.response_code);
  w.field("decision", alert.decision);
  w.key("evidence").begin_array();
  for (const auto& e : alert.evidence) {
    w.begin_object().field("key", e.key).field("value", e.value).end_object();
  }
  w.end_array();
  if (!alert.related_audit_ids.empty()) {
    w.key("relatedAuditIDs").begin_array();
    for (const auto& id : alert.related_audit_ids) w.value(id);
    w.end_array();
  }
  if (!alert.source.empty()) w.field("source", alert.source);
  w.end_object();
  out << '\n';
}

void write_alert_text(std::ostream& out, const Alert& alert, std::string_view title, bool color) {
  std::string severity = upper(rules::severity_name(alert.severity));
  if (color) severity = fmt::format("{}{}\033[0m", color_of(alert.severity), severity);
  out << fmt::format("{} {} {} {}\n", alert.time.empty() ? "-" : alert.time, severity, alert.rule_id, title);
  out << fmt::format("    {}\n", alert.message);
  std::string who = alert.user;
  if (!alert.impersonated_user.empty()) who += fmt::format(" (as {})", alert.impersonated_user);
  out << fmt::format("    by {} from {} ({}): {} {}", who.empty() ? "-" : who, fmt::join(alert.source_ips, ","),
                     alert.user_agent.empty() ? "-" : alert.user_agent, alert.verb, alert.object_ref.display());
  if (alert.response_code != 0) out << fmt::format(" -> {}", alert.response_code);
  out << fmt::format(" [auditID {}]\n", alert.audit_id);
  for (const auto& e : alert.evidence) out << fmt::format("      {}: {}\n", e.key, e.value);
  if (!alert.related_audit_ids.empty()) {
    out << fmt::format("      related auditIDs: {}\n", fmt::join(alert.related_audit_ids, ", "));
  }
  if (!alert.source.empty()) out << fmt::format("      at {}\n", alert.source);
}

}  // namespace kg::audit
