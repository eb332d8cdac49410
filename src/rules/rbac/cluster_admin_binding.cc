#include <fmt/format.h>
#include <fmt/ranges.h>

#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-014",
    .slug = "cluster-admin-binding",
    .title = "Binding to cluster-admin or a role that grants as much",
    .severity = Severity::Critical,
    .family = "RBAC",
    .kinds = {"RoleBinding", "ClusterRoleBinding", "Role", "ClusterRole"},
    .rationale =
        "cluster-admin allows every verb on every resource: whoever holds it (or steals its token) owns the "
        "cluster, every workload in it and every secret. A RoleBinding to it still gives full control of the "
        "namespace, its secrets and its pods. The role is judged by what it grants, not by its name: a binding "
        "to any Role or ClusterRole whose rules (aggregated ones included) allow every verb (\"*\", or get, list, "
        "watch, create, update, patch and delete) on every resource of every API group is reported the same "
        "way, whatever either object is called; a role of the input named cluster-admin keeps the default's rules "
        "whatever it writes, since the API server's reconciliation adds them back at its next start. Only Kubernetes' "
        "own binding of system:masters is left out, and "
        "only on evidence: the label kubernetes.io/bootstrapping=rbac-defaults, the default's name and role, and "
        "no subject the default does not bind (a name starting with system: proves nothing).",
    .remediation = "Bind a narrower role; keep cluster-admin to break-glass accounts outside everyday use.",
    .references = {ref::kLeastPrivilege, kClusterAdminBinding, ref::kAttackValidAccounts, kCisClusterAdmin, kNsaRbac},
};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  const rbac::Objects& input = ctx.inventory.rbac;
  if (input.empty()) return;
  const rbac::Policy& policy = ctx.rbac_policy;
  const auto& bindings = policy.bindings();
  for (size_t i = 0; i < bindings.size(); ++i) {
    const rbac::Binding& b = bindings[i];
    if (b.bootstrap) continue;
    const rbac::Role* role = policy.role_of(b);
    if (role == nullptr || !grants_everything(policy.rules_of(*role))) continue;
    std::vector<std::string> who;
    for (const auto& s : b.subjects) who.push_back(rbac::describe_subject(s, b));
    bool named = role->cluster && role->name == "cluster-admin";
    std::string what = named ? std::string("cluster-admin")
                             : fmt::format("{} {}{}, which grants every verb on every resource as cluster-admin does,",
                                           role->cluster ? "ClusterRole" : "Role",
                                           role->cluster ? "" : role->name_space + "/", role->name);
    out.report(input.bindings[i].role_ref_origin,
               fmt::format("{} {}{} gives {} to {}{}", b.cluster ? "ClusterRoleBinding" : "RoleBinding",
                           b.cluster ? "" : b.name_space + "/", b.name, what,
                           who.empty() ? std::string("nobody") : fmt::format("{}", fmt::join(who, ", ")),
                           b.cluster ? " in the whole cluster" : " in its namespace"));
  }
}

}  // namespace

void register_cluster_admin_binding(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
