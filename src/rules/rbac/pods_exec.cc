#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-003",
    .slug = "pods-exec",
    .title = "May exec into containers (pods/exec)",
    .severity = Severity::High,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "pods/exec runs any command inside a running container, with its file system, network identity and mounted "
        "service-account token: the attacker installs and starts a miner in a sidecar, or reads the token to move on. "
        "kubectl exec uses create on pods/exec (get over WebSockets).",
    .remediation =
        "Grant pods/exec only for break-glass access, time-limited and to named people; never to service accounts of "
        "applications.",
    .references = {ref::kLeastPrivilege, kExecIntoContainer, kAttackContainerAdmin, ref::kAttackResourceHijacking,
                   kNsaRbac},
};

const rbac::Need kNeeds[] = {{"create", "", "pods/exec"}, {"get", "", "pods/exec"}};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  report_grants(ctx, out, GrantQuery{kNeeds, "exec into running containers", false});
}

}  // namespace

void register_pods_exec(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
