#include "rules/wh/wh_rules.h"

namespace kg::rules::wh {
namespace {

const RuleMeta kMeta{
    .id = "KG-WH-004",
    .slug = "webhook-fails-open",
    .title = "Webhook fails open",
    .severity = Severity::Medium,
    .family = "WH",
    .kinds = {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"},
    .rationale =
        "With failurePolicy: Ignore the API server admits a request unchanged and unchecked whenever the "
        "webhook is down, slow or unreachable. Whoever can crash, overload or cut off a validating webhook "
        "bypasses it; an injector that fails open lets pods start without the sidecar that enforces mTLS or "
        "policy; and a rogue mutating webhook uses Ignore to stay invisible when it breaks. The default is Fail "
        "in admissionregistration.k8s.io/v1 and Ignore in v1beta1, so a v1beta1 webhook without the field "
        "fails open too. Severity is raised to high for a validating webhook that looks like security "
        "enforcement: it gates pods or workload kinds and its configuration, webhook or service name contains "
        "a word such as policy, security, gatekeeper, kyverno, opa, kubewarden, psp, psa, sigstore, cosign, "
        "connaisseur, guard or enforce.",
    .remediation =
        "Set failurePolicy: Fail for webhooks that enforce something, run them with several replicas and a "
        "PodDisruptionBudget, and exclude kube-system with a namespaceSelector on kubernetes.io/metadata.name "
        "so the cluster can still heal when the webhook is down.",
    .references = {kMaliciousAdmissionController, ref::kLeastPrivilege, kAttackImpairDefenses, kCisPolicyControl},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& w : webhooks_of(ctx.object)) {
    const doc::Node* policy = w.node->get("failurePolicy");
    bool explicit_ignore = policy != nullptr && policy->str() == "Ignore";
    bool default_ignore = (policy == nullptr || policy->is_null()) && w.v1beta1;
    if (!explicit_ignore && !default_ignore) continue;
    bool security = enforces_security(ctx.object, w);
    std::string consequence =
        security     ? "requests are admitted unchecked whenever it is unreachable, and it looks like security "
                       "enforcement that anyone able to slow or crash it bypasses"
        : w.mutating ? "requests are admitted unchanged and silently whenever it is unreachable"
                     : "requests are admitted unchecked whenever it is unreachable";
    std::string message = explicit_ignore
                              ? fmt::format("{} fails open (failurePolicy: Ignore): {}", describe(w), consequence)
                              : fmt::format(
                                    "{} fails open (no failurePolicy; admissionregistration.k8s.io/v1beta1 defaults to "
                                    "Ignore): {}",
                                    describe(w), consequence);
    std::string path = explicit_ignore ? w.field("failurePolicy") : w.path;
    const doc::Node* at = explicit_ignore ? policy : w.node;
    if (security) out.report(Severity::High, std::move(path), at, std::move(message));
    else out.report(std::move(path), at, std::move(message));
  }
}

}  // namespace

void register_fails_open(Catalog& catalog) { catalog.add_object_rule(kMeta, check); }

}  // namespace kg::rules::wh
