#include <vector>

#include "rbac/workload_needs.h"
#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-001",
    .slug = "create-pods",
    .title = "May create pods or pod controllers",
    .severity = Severity::High,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "Whoever may create a pod chooses its image, command, volumes and service account: a miner, a reverse shell, "
        "or a pod that mounts another account's token and acts as it. Creating a Deployment, DaemonSet, StatefulSet, "
        "ReplicaSet, Job, CronJob or ReplicationController is the same power one step removed. In kube-system the pods "
        "may run as the controllers' powerful accounts, so the rule is critical there (a Role or RoleBinding in "
        "kube-system, or any ClusterRoleBinding, which reaches every namespace). Kubernetes' own roles are not "
        "reported as "
        "written (the API server reconciles them) and a user's binding that hands one out is reported instead; a "
        "role counts as Kubernetes' own only on evidence: label kubernetes.io/bootstrapping=rbac-defaults, a default's "
        "name, and no rule beyond the default's (a name starting with system: proves nothing).",
    .remediation =
        "Grant create on pods and controllers only to the deployment pipeline's account, in the namespaces it deploys "
        "to; give people and applications get/list instead. Never grant it cluster-wide; keep kube-system to cluster "
        "operators.",
    .references = {ref::kLeastPrivilege, kNewContainer, ref::kSidecarInjection, ref::kAttackDeployContainer,
                   kCisCreatePods, kNsaRbac},
};

// Pods and every controller of pods, from the table of kinds.
const std::vector<rbac::Need> kNeeds = rbac::workload_needs("create", true);

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  report_grants(ctx, out, GrantQuery{kNeeds, "create pods or pod controllers", true});
}

}  // namespace

void register_create_pods(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
