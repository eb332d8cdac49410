#include <fmt/format.h>
#include <fmt/ranges.h>

#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-014",
    .slug = "cluster-admin-binding",
    .title = "Binding to cluster-admin",
    .severity = Severity::Critical,
    .family = "RBAC",
    .kinds = {"RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "cluster-admin allows every verb on every resource: whoever holds it (or steals its token) owns the "
        "cluster, every workload in it and every secret. A RoleBinding to it still gives full control of the "
        "namespace, its secrets and its pods. The API server's own binding of system:masters (label "
        "kubernetes.io/bootstrapping=rbac-defaults) is not reported.",
    .remediation = "Bind a narrower role; keep cluster-admin to break-glass accounts outside everyday use.",
    .references = {ref::kLeastPrivilege, kClusterAdminBinding, ref::kAttackValidAccounts, kCisClusterAdmin, kNsaRbac},
};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  for (const auto& b : ctx.inventory.rbac.bindings) {
    if (b.bootstrap || !b.role_is_cluster || b.role_name != "cluster-admin") continue;
    std::vector<std::string> who;
    for (const auto& s : b.subjects) who.push_back(rbac::describe_subject(s, b));
    out.report(b.role_ref_origin,
               fmt::format("{} {}{} gives cluster-admin to {}{}", b.cluster ? "ClusterRoleBinding" : "RoleBinding",
                           b.name_space.empty() ? "" : b.name_space + "/", b.name,
                           who.empty() ? std::string("nobody") : fmt::format("{}", fmt::join(who, ", ")),
                           b.cluster ? " in the whole cluster" : " in its namespace"));
  }
}

}  // namespace

void register_cluster_admin_binding(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
