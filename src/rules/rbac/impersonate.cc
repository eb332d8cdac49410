#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-009",
    .slug = "impersonate",
    .title = "May impersonate users, groups or service accounts",
    .severity = Severity::Critical,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "Impersonation sends requests as another user, group (system:masters included) or service account; the API "
        "server authorizes them as that identity, so the subject holds the union of everything it may impersonate.",
    .remediation = "Remove impersonate, or limit it with resourceNames to specific, unprivileged identities.",
    .references = {ref::kLeastPrivilege, ref::kAttackValidAccounts, kAttackAbuseElevation, kCisEscalation},
};

const rbac::Need kNeeds[] = {{"impersonate", "", "users", true},
                             {"impersonate", "", "groups", true},
                             {"impersonate", "", "serviceaccounts"},
                             {"impersonate", "authentication.k8s.io", "userextras/*", true},
                             {"impersonate", "authentication.k8s.io", "uids", true}};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  report_grants(ctx, out, GrantQuery{kNeeds, "impersonate other identities", false});
}

}  // namespace

void register_impersonate(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
