#include "rules/wh/wh_rules.h"

namespace kg::rules::wh {
namespace {

const RuleMeta kMeta{
    .id = "KG-WH-001",
    .slug = "unapproved-pod-mutating-webhook",
    .title = "Unapproved mutating webhook rewrites every new pod",
    .severity = Severity::Critical,
    .family = "WH",
    .kinds = {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"},
    .rationale =
        "A mutating webhook that receives every pod (or every Deployment, DaemonSet, StatefulSet, ReplicaSet, "
        "ReplicationController, Job or CronJob) on CREATE or UPDATE can add a container, an init container, a "
        "volume or an environment variable to every workload in the cluster before it is stored: sidecar "
        "injection at cluster scale and a persistence mechanism that survives redeployments. Legitimate "
        "injectors limit themselves to namespaces or pods that opt in, or are known. A selector counts as a "
        "limit only when it requires an opt-in (matchLabels, In, Exists): NotIn and DoesNotExist alone still "
        "match every namespace or pod without the label, which is every new one. matchConditions (CEL) are "
        "not evaluated and do not count as a limit. The istio sidecar injector, the linkerd proxy injector and "
        "the vault agent injector are approved when their webhook name AND their service match; "
        "approvedWebhooks in .kubeguard.yaml adds more.",
    .remediation =
        "Find out who created the configuration and what it calls; delete it if it is not yours. For a "
        "legitimate injector, require an opt-in label (namespaceSelector or objectSelector with matchLabels or "
        "In) and add it to approvedWebhooks in .kubeguard.yaml with its name and service (or URL). Allow "
        "create/update of mutatingwebhookconfigurations to cluster administrators only.",
    .references = {kMaliciousAdmissionController, ref::kSidecarInjection, ref::kLeastPrivilege, kAttackEventTriggered,
                   ref::kAttackDeployContainer, kCisWebhookAccess},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& w : webhooks_of(ctx.object)) {
    if (!w.mutating || !matches_workloads(w)) continue;
    if (selector_restricts(w.node->get("namespaceSelector")) || selector_restricts(w.node->get("objectSelector"))) {
      continue;
    }
    auto approval = k8s::check_approval(w.name, w.target, ctx.settings.approved_webhooks);
    if (approval.verdict == k8s::ApprovalVerdict::Approved) continue;
    out.report(w.field("rules"), w.node->get("rules"),
               fmt::format("mutating webhook '{}' is not approved and receives every new pod or workload in every "
                           "namespace (no selector requires an opt-in label); the API server sends each one to {}",
                           w.name, w.target.display()));
  }
}

}  // namespace

void register_unapproved_mutating(Catalog& catalog) { catalog.add_object_rule(kMeta, check); }

}  // namespace kg::rules::wh
