// KG-AUD-024: client-certificate persistence. A certificate signing request
// whose subject puts the holder in a privileged group (system:masters...)
// or names a control-plane identity, and its approval by a person. The
// controller manager's own approvals (kubelet certificates) feed the state only.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "audit/detections.h"
#include "k8s/csr_subject.h"

namespace kg::audit {
namespace {

using rules::Severity;
using rules::aud::AudRule;

const doc::Node* csr_body(const Event& event) {
  for (const auto* body : {event.response_object ? &*event.response_object : nullptr,
                           event.request_object ? &*event.request_object : nullptr}) {
    if (body != nullptr && body->is_mapping() && body->get("spec") != nullptr &&
        body->get("spec")->get("request") != nullptr) {
      return body;
    }
  }
  return nullptr;
}

std::optional<CsrFacts> facts_of(const doc::Node& csr, const AuditSettings& settings) {
  const doc::Node* spec = csr.get("spec");
  auto subject = k8s::csr_subject(k8s::string_at(spec, "request"));
  if (!subject) return std::nullopt;
  CsrFacts facts;
  facts.signer = std::string(k8s::string_at(spec, "signerName"));
  facts.subject = fmt::format("CN={}", subject->common_name);
  for (const auto& o : subject->organizations) facts.subject += ", O=" + o;
  // The same judgment as KG-SEC-004 on the object, with the configured
  // privileged groups and platform identities on top.
  std::vector<std::string> reasons = k8s::privileged_reasons(
      *subject, facts.signer, [&](std::string_view group) { return settings.is_privileged_group(group); },
      [&](std::string_view user) { return settings.is_platform_identity(user); });
  facts.privileged = !reasons.empty();
  if (facts.privileged) facts.subject += fmt::format(" ({})", fmt::join(reasons, ", "));
  return facts;
}

bool approved(const doc::Node* csr) {
  const doc::Node* status = csr == nullptr ? nullptr : csr->get("status");
  const doc::Node* conditions = status == nullptr ? nullptr : status->get("conditions");
  if (conditions == nullptr || !conditions->is_sequence()) return true;  // the log does not say: assume it was
  bool approved = false;
  for (const auto& c : conditions->items()) {
    std::string_view type = k8s::string_at(&c, "type");
    if (type == "Denied" || type == "Failed") return false;
    approved = approved || type == "Approved";
  }
  return approved;
}

}  // namespace

void detect_certificates(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out) {
  const auto& ref = event.object_ref;
  if (ref.resource != "certificatesigningrequests") return;
  const doc::Node* body = csr_body(event);
  std::optional<CsrFacts> facts = body != nullptr ? facts_of(*body, ctx.audit) : std::nullopt;
  if (!event.succeeded()) {
    // The API server refuses some subjects (system:masters through the
    // client signer): the attempt is the signal.
    if (event.verb == "create" && ref.subresource.empty() && facts && facts->privileged && !ctx.trusted(event)) {
      Alert alert = alert_for(event, AudRule::PrivilegedCertificate, rules::CaseName(),
                              fmt::format("{} asked for a client certificate for {} (signer {}); refused with HTTP {}",
                                          event.user, facts->subject, facts->signer, event.response_code));
      alert.add("subject", facts->subject);
      alert.add("outcome", fmt::format("refused (HTTP {})", event.response_code));
      add_caller_notes(event, alert);
      out.push_back(std::move(alert));
    }
    return;
  }
  std::optional<CsrFacts> known;
  if (const CsrFacts* seen = state.csrs.get(ref.name)) known = *seen;
  if (facts) state.csrs.put(ref.name, *facts);
  if (event.verb == "delete" || event.verb == "deletecollection") {
    state.csrs.erase(ref.name);
    return;
  }
  if (ctx.trusted(event)) return;
  const CsrFacts* now = facts ? &*facts : known ? &*known : nullptr;
  if (event.verb == "create" && ref.subresource.empty()) {
    if (now == nullptr || !now->privileged) return;
    Alert alert = alert_for(
        event, AudRule::PrivilegedCertificate, rules::CaseName(),
        fmt::format("{} asked for a client certificate for {} (signer {})", event.user, now->subject, now->signer));
    alert.add("subject", now->subject);
    alert.add("signer", now->signer);
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
    return;
  }
  if (ref.subresource != "approval" || (event.verb != "update" && event.verb != "patch")) return;
  if (!approved(body != nullptr ? body : (event.request_object ? &*event.request_object : nullptr))) return;
  const bool privileged = now != nullptr && now->privileged;
  Alert alert = alert_for(
      event, AudRule::PrivilegedCertificate, privileged ? "approved-privileged"_case : "approved"_case,
      fmt::format("{} approved certificate signing request {}{}", event.user, ref.name,
                  now == nullptr ? " (its subject is not in the log)" : fmt::format(" for {}", now->subject)));
  if (now != nullptr) {
    alert.add("subject", now->subject);
    alert.add("signer", now->signer);
  }
  add_caller_notes(event, alert);
  out.push_back(std::move(alert));
}

}  // namespace kg::audit
