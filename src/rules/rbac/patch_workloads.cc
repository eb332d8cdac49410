#include <vector>

#include "rbac/workload_needs.h"
#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-002",
    .slug = "patch-workloads",
    .title = "May patch or update workloads (sidecar injection)",
    .severity = Severity::High,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "Patch or update on a workload is the sidecar injection technique itself (MS-TA9011): one strategic-merge "
        "patch adds a container, or changes a running pod's image, and the controller rolls it out to every replica "
        "under the workload's own service account and network identity. The change survives as long as the workload "
        "does. Worse in kube-system (critical), as for pod creation. Kubernetes' own roles are reported through the "
        "bindings that hand them out.",
    .remediation =
        "Let only the deployment pipeline (GitOps controller, CI account) patch or update workloads, per namespace; "
        "audit and alert on workload changes from anyone else (kubeguard audit); enforce approved sidecars at "
        "admission (kubeguard serve).",
    .references = {ref::kLeastPrivilege, ref::kSidecarInjection, ref::kAttackDeployContainer, kCisCreatePods, kNsaRbac},
};

// Pods and the controllers whose template can change, from the table of kinds.
std::vector<rbac::Need> patch_or_update() {
  std::vector<rbac::Need> needs = rbac::workload_needs("patch", false);
  for (const auto& n : rbac::workload_needs("update", false)) needs.push_back(n);
  return needs;
}

const std::vector<rbac::Need> kNeeds = patch_or_update();

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  report_grants(ctx, out, GrantQuery{kNeeds, "patch or update pods or their controllers", true});
}

}  // namespace

void register_patch_workloads(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
