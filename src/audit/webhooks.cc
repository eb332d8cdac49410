// KG-AUD-009: admission webhook configurations created, changed or deleted
// (S4). The webhooks are read with the WH family's own view and approvals, so
// the audit log and the scan agree on what an approved injector is.
#include <fmt/format.h>

#include "audit/detections.h"
#include "rules/wh/webhook.h"

namespace kg::audit {

void detect_webhooks(const Event& event, const DetectContext& ctx, std::vector<Alert>& out) {
  const auto& ref = event.object_ref;
  bool mutating = ref.resource == "mutatingwebhookconfigurations";
  if (!mutating && ref.resource != "validatingwebhookconfigurations") return;
  if (!is_write_verb(event.verb) || ctx.trusted(event) || !event.succeeded()) return;
  const auto id = rules::aud::AudRule::WebhookConfigChange;
  std::string kind_word = mutating ? "mutating" : "validating";

  if (event.verb == "delete" || event.verb == "deletecollection") {
    // Removing a validating webhook can remove a control; removing a mutating one rarely hurts.
    Alert alert = alert_for(event, id, mutating ? "mutating-deleted"_case : rules::CaseName(),
                            fmt::format("{} webhook configuration {} deleted", kind_word, ref.name));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
    return;
  }
  const doc::Node* object = nullptr;
  std::string_view kind = kind_of_resource(ref.resource);
  // The stored object, else the one sent; GKE's bodies may lack "kind".
  auto fits = [&](const std::optional<doc::Node>& body) {
    if (!body || !body->is_mapping()) return false;
    std::string_view k = k8s::string_at(&*body, "kind");
    return k == kind || (k.empty() && body->get("webhooks") != nullptr);
  };
  if (fits(event.response_object)) object = &*event.response_object;
  else if (fits(event.request_object)) object = &*event.request_object;
  if (object == nullptr) {
    Alert alert = alert_for(event, id, "unseen"_case,
                            fmt::format("{} webhook configuration {} written ({}); its content is not in the log",
                                        kind_word, ref.name, event.verb));
    alert.add("confidence", "lower: request and response bodies not logged");
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
    return;
  }
  k8s::Object view;
  view.ref.api_version = std::string(k8s::string_at(object, "apiVersion"));
  view.ref.kind = std::string(kind);
  view.ref.name = ref.name;
  view.root = object;
  for (const auto& w : rules::wh::webhooks_of(view)) {
    auto approval = k8s::check_approval(w.name, w.target, ctx.config.settings.approved_webhooks);
    rules::CaseName severity;  // a case of KG-AUD-009's metadata
    std::string verdict = "not approved";
    bool gates_pods = rules::wh::matches_workloads(w);
    std::string_view failure = k8s::string_at(w.node, "failurePolicy");
    bool fails_open = failure == "Ignore" || (failure.empty() && w.v1beta1);
    if (approval.verdict == k8s::ApprovalVerdict::Approved) {
      severity = "approved"_case;
      verdict = fmt::format("approved ({})", approval.approval->origin);
    } else if (approval.verdict == k8s::ApprovalVerdict::Impersonation) {
      severity = "impersonation"_case;
      verdict = fmt::format("takes the name of an approved webhook but calls {} (expected {})", w.target.display(),
                            approval.approval->expected_target());
    } else if (mutating && gates_pods && (!w.target.url.empty() || fails_open)) {
      severity = "mutates-pods-open"_case;
      verdict = "not approved; mutates pods and calls an external URL or fails open";
    } else if (!mutating && !gates_pods) {
      severity = "validates-no-pods"_case;
    }
    Alert alert =
        alert_for(event, id, severity,
                  fmt::format("{} {} webhook '{}' in {}: {}", event.verb, kind_word, w.name, ref.name, verdict));
    alert.add("webhook", std::string(w.name));
    alert.add("target", w.target.display());
    alert.add("matchesPods", gates_pods ? "yes" : "no");
    if (!failure.empty()) alert.add("failurePolicy", std::string(failure));
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
}

}  // namespace kg::audit
