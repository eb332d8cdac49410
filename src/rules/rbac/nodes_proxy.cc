#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-012",
    .slug = "nodes-proxy",
    .title = "May use the kubelet API through nodes/proxy",
    .severity = Severity::High,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "nodes/proxy forwards requests to the kubelet, whose API runs commands in any container of the node (/exec, "
        "/run) without the pods/exec checks or the API server's audit of them.",
    .remediation =
        "Grant nodes/proxy only to monitoring that needs kubelet metrics, and prefer the metrics endpoints "
        "(nodes/metrics, nodes/stats) that cannot run commands.",
    .references = {ref::kLeastPrivilege, kAccessKubeletApi, kExecIntoContainer, kAttackContainerAdmin, kCisNodesProxy},
};

const rbac::Need kNeeds[] = {
    {"get", "", "nodes/proxy", true}, {"create", "", "nodes/proxy", true}, {"*", "", "nodes/proxy", true}};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  report_grants(ctx, out, GrantQuery{kNeeds, "reach the kubelet API through nodes/proxy", false});
}

}  // namespace

void register_nodes_proxy(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
