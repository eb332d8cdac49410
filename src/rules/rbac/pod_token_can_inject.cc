#include "rbac/attack_paths.h"
#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-017",
    .slug = "pod-token-can-inject",
    .title = "Pod carries a service-account token that can inject into workloads",
    .severity = Severity::Critical,
    .family = "RBAC",
    .kinds = {"pod-bearing", "ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "The token of the pod's service account is mounted (automountServiceAccountToken is not false on the "
        "pod or its ServiceAccount) and the account may put code into pods: patch or create workloads, add "
        "ephemeral containers, exec or attach, register a mutating webhook, or get there through escalate, "
        "bind or impersonate. Whoever compromises one container of this pod reads the token from "
        "/var/run/secrets/kubernetes.io/serviceaccount and injects sidecars into the workloads in reach. "
        "The finding names the paths and how many workloads of the input they reach; `kubeguard rbac` draws "
        "the graph.",
    .remediation =
        "Set automountServiceAccountToken: false where the pod does not call the API server; "
        "otherwise give its account only the verbs it needs (no write on workloads, no exec, no "
        "webhook configurations), in its own namespace.",
    .references = {ref::kLeastPrivilege, ref::kDisableSaAutomount, ref::kSidecarInjection,
                   ref::kContainerServiceAccount, ref::kAttackStealToken, ref::kAttackDeployContainer, kCisSaTokens},
};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  const rbac::Objects& input = ctx.inventory.rbac;
  if (input.empty() || input.pods.empty()) return;
  const rbac::Policy& policy = ctx.rbac_policy;
  for (const auto& path : rbac::attack_paths(policy, "")) {
    size_t index = static_cast<size_t>(path.pod - policy.pods().data());
    out.report(input.pods[index].origin, rbac::describe(path));
  }
}

}  // namespace

void register_pod_token_can_inject(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
