#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-005",
    .slug = "ephemeral-containers",
    .title = "May add ephemeral containers (pods/ephemeralcontainers)",
    .severity = Severity::High,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "kubectl debug writes pods/ephemeralcontainers: a new container with any image joins a running pod, shares its "
        "network and (with targetContainerName) its process namespace. It is injection into a live pod without "
        "touching its workload, so the workload's manifest never shows it.",
    .remediation =
        "Grant pods/ephemeralcontainers only for break-glass debugging, to named people; restrict the images with "
        "admission policy.",
    .references = {ref::kLeastPrivilege, ref::kSidecarInjection, kNewContainer, ref::kAttackDeployContainer, kNsaRbac},
};

const rbac::Need kNeeds[] = {{"patch", "", "pods/ephemeralcontainers"}, {"update", "", "pods/ephemeralcontainers"}};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  report_grants(ctx, out, GrantQuery{kNeeds, "add ephemeral containers to running pods", false});
}

}  // namespace

void register_ephemeral_containers(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
