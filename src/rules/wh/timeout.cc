#include "rules/wh/wh_rules.h"

namespace kg::rules::wh {
namespace {

constexpr int64_t kNearMax = 25;  // the API server allows at most 30 seconds

const RuleMeta kMeta{
    .id = "KG-WH-007",
    .slug = "webhook-timeout-near-max",
    .title = "Webhook timeout close to the 30 second maximum",
    .severity = Severity::Low,
    .family = "WH",
    .kinds = {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"},
    .rationale =
        "Each matching request waits for the webhook up to timeoutSeconds (at most 30). A webhook that is slow "
        "or made slow holds API requests for that long, and several such webhooks on one resource can exceed "
        "the request's own deadline: controllers stall and the cluster cannot heal; with failurePolicy: Ignore "
        "a stalled webhook is silently skipped. The default is 10 seconds in admissionregistration.k8s.io/v1 "
        "and 30 in v1beta1, so a v1beta1 webhook without the field is reported too.",
    .remediation =
        "Set timeoutSeconds to what the webhook needs (the v1 default of 10 or less), and make the "
        "webhook answer fast.",
    .references = {ref::kDenialOfService, ref::kAttackEndpointDos, kMaliciousAdmissionController},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& w : webhooks_of(ctx.object)) {
    const doc::Node* timeout = w.node->get("timeoutSeconds");
    if (timeout != nullptr && !timeout->is_null()) {
      auto seconds = timeout->as_int();
      if (!seconds || *seconds < kNearMax) continue;
      out.report(w.field("timeoutSeconds"), timeout,
                 fmt::format("{} may hold each matching request for {} seconds (timeoutSeconds: {}; the maximum "
                             "is 30)",
                             describe(w), *seconds, *seconds));
    } else if (w.v1beta1) {
      out.report(w.path, w.node,
                 fmt::format("{} may hold each matching request for 30 seconds (no timeoutSeconds; "
                             "admissionregistration.k8s.io/v1beta1 defaults to the maximum, 30)",
                             describe(w)));
    }
  }
}

}  // namespace

void register_timeout(Catalog& catalog) { catalog.add_object_rule(kMeta, check); }

}  // namespace kg::rules::wh
