#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

constexpr std::string_view kRbac = "rbac.authorization.k8s.io";

const RuleMeta kMeta{
    .id = "KG-RBAC-008",
    .slug = "bind",
    .title = "May bind roles it does not hold",
    .severity = Severity::Critical,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "bind lets a subject create bindings to roles with permissions it lacks; with create on rolebindings it binds "
        "cluster-admin (or edit) to itself and can then do anything, injection included.",
    .remediation = "Remove bind, or limit it with resourceNames to the roles the subject is meant to hand out.",
    .references = {ref::kLeastPrivilege, kAttackAbuseElevation, kAttackAccountManipulation, kCisEscalation, kNsaRbac},
};

const rbac::Need kNeeds[] = {{"bind", kRbac, "roles"}, {"bind", kRbac, "clusterroles", true}};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  report_grants(ctx, out, GrantQuery{kNeeds, "bind roles or clusterroles", false});
}

}  // namespace

void register_bind(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
