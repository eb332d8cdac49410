#include "rules/wh/wh_rules.h"

namespace kg::rules::wh {
namespace {

const RuleMeta kMeta{
    .id = "KG-WH-005",
    .slug = "webhook-reinvocation",
    .title = "Mutating webhook asks to be called again",
    .severity = Severity::Low,
    .family = "WH",
    .kinds = {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"},
    .rationale =
        "reinvocationPolicy: IfNeeded makes the API server call the webhook again after later mutating "
        "webhooks changed the object, so it gets the last word: it sees, and can undo, what a hardening or "
        "policy webhook did after it, and an injected container can be put back after another webhook removed "
        "it. Legitimate injectors rarely need it.",
    .remediation =
        "Use reinvocationPolicy: Never (the default) unless the webhook must see other webhooks' changes, and "
        "then review what it does on the second call.",
    .references = {kMaliciousAdmissionController, ref::kSidecarInjection, ref::kLeastPrivilege, kAttackEventTriggered},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& w : webhooks_of(ctx.object)) {
    if (!w.mutating) continue;
    const doc::Node* policy = w.node->get("reinvocationPolicy");
    if (policy == nullptr || policy->str() != "IfNeeded") continue;
    out.report(w.field("reinvocationPolicy"), policy,
               fmt::format("mutating webhook '{}' is called again after later mutating webhooks change the object "
                           "(reinvocationPolicy: IfNeeded), so it can undo what they did",
                           w.name));
  }
}

}  // namespace

void register_reinvocation(Catalog& catalog) { catalog.add_object_rule(kMeta, check); }

}  // namespace kg::rules::wh
