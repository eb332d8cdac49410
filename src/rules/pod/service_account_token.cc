#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-022",
    .slug = "service-account-token-automounted",
    .title = "Pod mounts a service account token automatically",
    .severity = Severity::Low,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "Every container of a pod that does not set automountServiceAccountToken: false gets an API token at "
        "/var/run/secrets/kubernetes.io/serviceaccount: one file read away from the API server for anyone who "
        "compromises any of its containers, including an injected one (scenario S2: curl with the token). "
        "Most workloads never call the API. The pod-level field is what is checked: the ServiceAccount's own "
        "automountServiceAccountToken is overridden by the pod's, and a projected token volume a container "
        "mounts on purpose is not a reason to mount the default one into all of them.",
    .remediation =
        "Set spec.automountServiceAccountToken: false in the pod template. A workload that calls the "
        "API should mount a projected serviceAccountToken volume, with a short expiry and an "
        "audience, into the one container that needs it.",
    .references = {ref::kContainerServiceAccount,
                   ref::kDisableSaAutomount,
                   ref::kLeastPrivilege,
                   ref::kAttackStealToken,
                   ref::kAttackUnsecuredCredentials,
                   {ReferenceKind::Cis, "5.1.6",
                    "Ensure that Service Account Tokens are only mounted where necessary"}},
};

void check(const ObjectContext& ctx, Emitter& out) {
  const doc::Node* automount = ctx.pod->spec->get("automountServiceAccountToken");
  if (is_false(automount)) return;
  if (automount != nullptr && !automount->is_null()) {
    out.report(ctx.pod->field_path("automountServiceAccountToken"), automount,
               fmt::format("pod mounts its service account token into every container "
                           "(automountServiceAccountToken: {})",
                           automount->str()));
  } else {
    out.report(ctx.pod->path, ctx.pod->spec,
               "pod mounts its service account token into every container (automountServiceAccountToken is not "
               "false)");
  }
}

}  // namespace

void register_service_account_token(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
