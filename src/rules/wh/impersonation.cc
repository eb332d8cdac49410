#include "rules/wh/wh_rules.h"

namespace kg::rules::wh {
namespace {

const RuleMeta kMeta{
    .id = "KG-WH-008",
    .slug = "webhook-impersonation",
    .title = "Webhook copies an approved webhook's name but calls something else",
    .severity = Severity::Critical,
    .family = "WH",
    .kinds = {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"},
    .rationale =
        "Approved webhooks (istio's sidecar injector and validator, linkerd's proxy injector, the vault agent "
        "injector, and approvedWebhooks in .kubeguard.yaml) are approved by name AND by where the API server "
        "sends them. A webhook that carries an approved name but points at another service or URL is hiding "
        "behind a trusted name: a reviewer who sees 'sidecar-injector.istio.io' does not look further, while "
        "every matching object goes to the attacker's endpoint. An approval whose name is only '*' approves by "
        "target and makes no other webhook an impersonation.",
    .remediation =
        "Delete the configuration unless it is yours. If the real component runs under another namespace or "
        "service name, add that to approvedWebhooks in .kubeguard.yaml (name and service, or name and url).",
    .references = {kMaliciousAdmissionController, ref::kSidecarInjection, ref::kLeastPrivilege, kAttackMasquerading,
                   kAttackEventTriggered, kCisWebhookAccess},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& w : webhooks_of(ctx.object)) {
    auto approval = k8s::check_approval(w.name, w.target, ctx.settings.approved_webhooks);
    if (approval.verdict != k8s::ApprovalVerdict::Impersonation) continue;
    const doc::Node* at = w.client_config != nullptr ? w.client_config : w.node;
    out.report(w.field("clientConfig"), at,
               fmt::format("{} carries the name of an approved webhook ({}, {}) but calls {} instead of {}",
                           describe(w), approval.approval->name, approval.approval->origin, w.target.display(),
                           approval.approval->expected_target()));
  }
}

}  // namespace

void register_impersonation(Catalog& catalog) { catalog.add_object_rule(kMeta, check); }

}  // namespace kg::rules::wh
