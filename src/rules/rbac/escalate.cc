#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

constexpr std::string_view kRbac = "rbac.authorization.k8s.io";

const RuleMeta kMeta{
    .id = "KG-RBAC-007",
    .slug = "escalate",
    .title = "May escalate (write roles with more than it holds)",
    .severity = Severity::Critical,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "The API server refuses to let anyone write a role granting more than they hold, unless they have escalate. "
        "With escalate (and write access to roles) a subject grants itself any permission, injection included.",
    .remediation = "Remove escalate; whoever manages roles should hold the permissions they hand out.",
    .references = {ref::kLeastPrivilege, kAttackAbuseElevation, kCisEscalation, kNsaRbac},
};

const rbac::Need kNeeds[] = {{"escalate", kRbac, "roles"}, {"escalate", kRbac, "clusterroles", true}};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  report_grants(ctx, out, GrantQuery{kNeeds, "escalate on roles or clusterroles", false});
}

}  // namespace

void register_escalate(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
