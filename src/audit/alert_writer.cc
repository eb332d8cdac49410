#include "audit/alert_writer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "rules/fingerprint.h"
#include "util/json_writer.h"
#include "util/redact.h"
#include "util/terminal_text.h"

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
  util::JsonWriter w(out, false);
  w.begin_object();
  w.field("rule", alert.rule_id);
  w.field("severity", rules::severity_name(alert.severity));
  w.field("title", title);
  // The detections redact what they quote; the writer does it again for
  // every field taken from the request, so no path around it exists.
  w.field("message", util::redact(alert.message));
  if (!alert.path.empty()) {
    if (!alert.container.empty()) {
      w.field("container", alert.container);
      w.field("containerRole", alert.container_role);
    }
    w.field("path", alert.path);
  }
  if (alert.suppressed) {
    w.field("suppressed", true);
    w.field("suppression", alert.suppression);
  }
  w.field("fingerprint", rules::fingerprint(finding_of(alert)));
  w.field("time", alert.time);
  w.field("user", alert.user);
  w.key("groups").begin_array();
  for (const auto& g : alert.groups) w.value(g);
  w.end_array();
  if (!alert.impersonated_user.empty()) w.field("impersonatedUser", alert.impersonated_user);
  w.key("sourceIPs").begin_array();
  for (const auto& ip : alert.source_ips) w.value(ip);
  w.end_array();
  w.field("userAgent", util::redact(alert.user_agent));
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
    w.begin_object().field("key", e.key).field("value", util::redact(e.value)).end_object();
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
  // Every field came from the log: control characters are made visible.
  using util::terminal_safe;
  std::string severity = upper(rules::severity_name(alert.severity));
  if (color) severity = fmt::format("{}{}\033[0m", color_of(alert.severity), severity);
  out << fmt::format("{} {} {} {}{}\n", alert.time.empty() ? "-" : terminal_safe(alert.time), severity, alert.rule_id,
                     title, alert.suppressed ? fmt::format(" [suppressed: {}]", terminal_safe(alert.suppression)) : "");
  if (alert.path.empty()) {
    out << fmt::format("    {}\n", terminal_safe(util::redact(alert.message)));
  } else {
    out << fmt::format("    {}: {}\n", terminal_safe(alert.path), terminal_safe(util::redact(alert.message)));
  }
  std::string who = alert.user;
  if (!alert.impersonated_user.empty()) who += fmt::format(" (as {})", alert.impersonated_user);
  out << fmt::format("    by {} from {} ({}): {} {}", who.empty() ? "-" : terminal_safe(who),
                     terminal_safe(fmt::format("{}", fmt::join(alert.source_ips, ","))),
                     alert.user_agent.empty() ? "-" : terminal_safe(util::redact(alert.user_agent)),
                     terminal_safe(alert.verb), terminal_safe(alert.object_ref.display()));
  if (alert.response_code != 0) out << fmt::format(" -> {}", alert.response_code);
  out << fmt::format(" [auditID {}]\n", terminal_safe(alert.audit_id));
  for (const auto& e : alert.evidence)
    out << fmt::format("      {}: {}\n", terminal_safe(e.key), terminal_safe(util::redact(e.value)));
  if (!alert.related_audit_ids.empty()) {
    out << fmt::format("      related auditIDs: {}\n",
                       terminal_safe(fmt::format("{}", fmt::join(alert.related_audit_ids, ", "))));
  }
  if (!alert.source.empty()) out << fmt::format("      at {}\n", terminal_safe(alert.source));
}

}  // namespace kg::audit
