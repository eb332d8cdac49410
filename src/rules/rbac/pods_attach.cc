#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-004",
    .slug = "pods-attach",
    .title = "May attach to containers (pods/attach)",
    .severity = Severity::High,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "pods/attach connects to a running container's main process: with a shell or an interpreter on stdin it is "
        "exec by another name, and it is often forgotten when pods/exec is locked down.",
    .remediation = "Treat pods/attach like pods/exec: break-glass only, never for application service accounts.",
    .references = {ref::kLeastPrivilege, kExecIntoContainer, kAttackContainerAdmin, kNsaRbac},
};

const rbac::Need kNeeds[] = {{"create", "", "pods/attach"}, {"get", "", "pods/attach"}};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  report_grants(ctx, out, GrantQuery{kNeeds, "attach to running containers", false});
}

}  // namespace

void register_pods_attach(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
