// KG-AUD-013..016, 023: impersonation, token requests, secrets read by
// service accounts or dumped across namespaces, anonymous access (S7
// precursors). RBAC writes are judged in rbac.cc.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "audit/detections.h"

namespace kg::audit {
namespace {

using rules::Severity;
using rules::aud::AudRule;

bool is_public_path(std::string_view uri) {
  std::string_view path = uri.substr(0, uri.find('?'));
  static constexpr std::string_view kPublic[] = {
      "/healthz", "/livez", "/readyz", "/version", "/.well-known/openid-configuration", "/openid/v1/jwks"};
  for (auto p : kPublic) {
    if (path == p || (path.starts_with(p) && path.size() > p.size() && path[p.size()] == '/')) return true;
  }
  return false;
}

// Secrets listed cluster-wide, or in several namespaces by one identity
// within the correlation window.
void detect_secret_dump(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out) {
  const auto& ref = event.object_ref;
  if (ref.resource != "secrets" || !ref.subresource.empty() || (event.verb != "list" && event.verb != "watch")) return;
  if (ctx.trusted(event) || !event.succeeded() || event.denied()) return;
  if (ref.name_space.empty()) {
    Alert alert =
        alert_for(event, AudRule::SecretsAcrossNamespaces, rules::CaseName(),
                  fmt::format("{} {} secrets in every namespace",
                              event.impersonated_user.empty() ? event.user : event.impersonated_user, event.verb));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
    return;
  }
  constexpr size_t kNamespaces = 3;
  // The identity the request ran as: the impersonated user when there is one.
  std::string key = event.impersonated_user.empty() ? event.user : event.impersonated_user;
  auto entry = state.secret_lists.get(key) != nullptr ? *state.secret_lists.get(key)
                                                      : std::pair<int64_t, std::vector<std::string>>{event.time_us, {}};
  if (event.time_us > 0 && entry.first > 0 && event.time_us - entry.first > ctx.correlation_window_us) {
    entry = {event.time_us, {}};
  }
  if (std::find(entry.second.begin(), entry.second.end(), ref.name_space) != entry.second.end()) return;
  entry.second.push_back(ref.name_space);
  if (entry.second.size() == kNamespaces) {
    Alert alert = alert_for(event, AudRule::SecretsAcrossNamespaces, rules::CaseName(),
                            fmt::format("{} listed secrets in {} namespaces in a row: {}", key, entry.second.size(),
                                        fmt::join(entry.second, ", ")));
    alert.add("namespaces", fmt::format("{}", fmt::join(entry.second, ", ")));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
  state.secret_lists.put(key, std::move(entry));
}

}  // namespace

void detect_access(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out) {
  const auto& ref = event.object_ref;
  detect_rbac(event, ctx, state, out);
  detect_secret_dump(event, ctx, state, out);

  if (!event.impersonated_user.empty() && !event.denied()) {
    Alert alert = alert_for(event, AudRule::ImpersonationUsed, rules::CaseName(),
                            fmt::format("{} acted as {}: {} {}", event.user, event.impersonated_user, event.verb,
                                        ref.resource.empty() ? event.request_uri : ref.display()));
    out.push_back(std::move(alert));
  }

  if (ref.resource == "serviceaccounts" && ref.subresource == "token" && event.verb == "create" &&
      !ctx.trusted(event) && !event.denied()) {
    // A token for an account of a system namespace is a controller's credential.
    const bool system = ctx.audit.is_system_namespace(ref.name_space);
    Alert alert = alert_for(event, AudRule::TokenRequest, system ? "system-account"_case : rules::CaseName(),
                            fmt::format("{} requested a token for service account {}/{}{}", event.user, ref.name_space,
                                        ref.name, system ? " (a system namespace)" : ""));
    if (event.is_service_account()) alert.add("note", "requested by a service account");
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }

  if (ref.resource == "secrets" && ref.subresource.empty() && event.is_service_account() && !ctx.trusted(event) &&
      event.succeeded() && (event.verb == "get" || event.verb == "list" || event.verb == "watch")) {
    bool bulk = event.verb != "get";
    Alert alert = alert_for(event, AudRule::SecretReadByServiceAccount, bulk ? "bulk"_case : rules::CaseName(),
                            fmt::format("service account {}/{} {} {}", event.service_account_namespace(),
                                        event.service_account_name(), event.verb, ref.display()));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }

  bool anonymous = event.user == "system:anonymous" ||
                   std::find(event.groups.begin(), event.groups.end(), "system:unauthenticated") != event.groups.end();
  if (anonymous && event.decision == "allow" && event.succeeded() && !is_public_path(event.request_uri)) {
    Alert alert = alert_for(event, AudRule::AnonymousAllowed, rules::CaseName(),
                            fmt::format("anonymous {} {} was allowed", event.verb,
                                        ref.resource.empty() ? event.request_uri : ref.display()));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
}

}  // namespace kg::audit
