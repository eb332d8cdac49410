// KG-AUD-010..016: RBAC escalation, impersonation, token requests, secrets
// read by service accounts, anonymous access (S7 precursors).
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "audit/detections.h"

namespace kg::audit {
namespace {

using rules::Severity;
using rules::aud::AudRule;

const doc::Node* body_of(const Event& event, std::string_view kind) {
  if (event.response_object && k8s::string_at(&*event.response_object, "kind") == kind) return &*event.response_object;
  if (event.request_object && k8s::string_at(&*event.request_object, "kind") == kind) return &*event.request_object;
  if (event.request_object && event.request_object->is_mapping()) return &*event.request_object;  // a patch
  return nullptr;
}

bool has_string(const doc::Node* list, std::string_view value) {
  if (list == nullptr || !list->is_sequence()) return false;
  for (const auto& item : list->items()) {
    if (item.str() == value) return true;
  }
  return false;
}

std::string subjects_text(const doc::Node* binding) {
  std::string out;
  const doc::Node* subjects = binding == nullptr ? nullptr : binding->get("subjects");
  if (subjects == nullptr || !subjects->is_sequence()) return out;
  for (const auto& s : subjects->items()) {
    if (!out.empty()) out += ", ";
    std::string_view ns = k8s::string_at(&s, "namespace");
    out += fmt::format("{} {}{}", k8s::string_at(&s, "kind"), ns.empty() ? "" : std::string(ns) + "/",
                       k8s::string_at(&s, "name"));
  }
  return out;
}

void detect_rbac(const Event& event, std::vector<Alert>& out) {
  const auto& ref = event.object_ref;
  if (event.verb != "create" && event.verb != "update" && event.verb != "patch") return;
  if (!event.succeeded() || is_control_plane(event) || !ref.subresource.empty()) return;
  if (ref.resource == "clusterrolebindings" || ref.resource == "rolebindings") {
    const doc::Node* body = body_of(event, kind_of_resource(ref.resource));
    std::string_view role = k8s::string_at(body == nullptr ? nullptr : body->get("roleRef"), "name");
    if (role != "cluster-admin") return;
    Alert alert =
        alert_for(event, rule_id(AudRule::ClusterAdminBinding), Severity::Critical,
                  fmt::format("{} {} binds cluster-admin to {}", event.verb, ref.display(),
                              subjects_text(body).empty() ? "(subjects not in the log)" : subjects_text(body)));
    alert.add("roleRef", "ClusterRole cluster-admin");
    if (auto s = subjects_text(body); !s.empty()) alert.add("subjects", s);
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
    return;
  }
  if (ref.resource != "clusterroles" && ref.resource != "roles") return;
  const doc::Node* body = body_of(event, kind_of_resource(ref.resource));
  const doc::Node* rules = body == nullptr ? nullptr : body->get("rules");
  if (rules == nullptr || !rules->is_sequence()) return;
  std::vector<std::string> wildcard, escalation;
  for (const auto& rule : rules->items()) {
    const doc::Node* verbs = rule.get("verbs");
    const doc::Node* resources = rule.get("resources");
    if (has_string(verbs, "*") || has_string(resources, "*")) {
      wildcard.push_back(fmt::format("verbs {} on resources {}", has_string(verbs, "*") ? "*" : "listed",
                                     has_string(resources, "*") ? "*" : "listed"));
    }
    for (std::string_view verb : {"escalate", "bind", "impersonate"}) {
      if (has_string(verbs, verb)) escalation.emplace_back(verb);
    }
  }
  if (!wildcard.empty()) {
    Alert alert = alert_for(event, rule_id(AudRule::WildcardRole), Severity::High,
                            fmt::format("{} {} grants wildcard access", event.verb, ref.display()));
    for (const auto& w : wildcard) alert.add("rule", w);
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
  if (!escalation.empty()) {
    std::sort(escalation.begin(), escalation.end());
    escalation.erase(std::unique(escalation.begin(), escalation.end()), escalation.end());
    Alert alert = alert_for(event, rule_id(AudRule::EscalationVerbs), Severity::High,
                            fmt::format("{} {} grants {}", event.verb, ref.display(), fmt::join(escalation, ", ")));
    for (const auto& v : escalation) alert.add("verb", v);
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
}

bool is_public_path(std::string_view uri) {
  std::string_view path = uri.substr(0, uri.find('?'));
  static constexpr std::string_view kPublic[] = {
      "/healthz", "/livez", "/readyz", "/version", "/.well-known/openid-configuration", "/openid/v1/jwks"};
  for (auto p : kPublic) {
    if (path == p || (path.starts_with(p) && path.size() > p.size() && path[p.size()] == '/')) return true;
  }
  return false;
}

}  // namespace

void detect_access(const Event& event, const DetectContext& /*ctx*/, std::vector<Alert>& out) {
  const auto& ref = event.object_ref;
  detect_rbac(event, out);

  if (!event.impersonated_user.empty() && !event.denied()) {
    Alert alert = alert_for(event, rule_id(AudRule::ImpersonationUsed), Severity::Medium,
                            fmt::format("{} acted as {}: {} {}", event.user, event.impersonated_user, event.verb,
                                        ref.resource.empty() ? event.request_uri : ref.display()));
    out.push_back(std::move(alert));
  }

  if (ref.resource == "serviceaccounts" && ref.subresource == "token" && event.verb == "create" &&
      !is_control_plane(event) && !event.denied()) {
    Alert alert =
        alert_for(event, rule_id(AudRule::TokenRequest), Severity::Medium,
                  fmt::format("{} requested a token for service account {}/{}", event.user, ref.name_space, ref.name));
    if (event.is_service_account()) alert.add("note", "requested by a service account");
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }

  if (ref.resource == "secrets" && ref.subresource.empty() && event.is_service_account() && !is_control_plane(event) &&
      event.succeeded() && (event.verb == "get" || event.verb == "list" || event.verb == "watch")) {
    bool bulk = event.verb != "get";
    Alert alert =
        alert_for(event, rule_id(AudRule::SecretReadByServiceAccount), bulk ? Severity::High : Severity::Medium,
                  fmt::format("service account {}/{} {} {}", event.service_account_namespace(),
                              event.service_account_name(), event.verb, ref.display()));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }

  bool anonymous = event.user == "system:anonymous" ||
                   std::find(event.groups.begin(), event.groups.end(), "system:unauthenticated") != event.groups.end();
  if (anonymous && event.decision == "allow" && event.succeeded() && !is_public_path(event.request_uri)) {
    Alert alert = alert_for(event, rule_id(AudRule::AnonymousAllowed), Severity::High,
                            fmt::format("anonymous {} {} was allowed", event.verb,
                                        ref.resource.empty() ? event.request_uri : ref.display()));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
}

}  // namespace kg::audit
