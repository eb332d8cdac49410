#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-010",
    .slug = "serviceaccount-token-create",
    .title = "May mint service account tokens (serviceaccounts/token create)",
    .severity = Severity::High,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "create on serviceaccounts/token issues a fresh token for any service account of the namespace (or of every "
        "namespace through a ClusterRoleBinding): the subject becomes each of those accounts, with whatever they may "
        "do.",
    .remediation =
        "Grant token creation only to the components that need it (for example an identity broker), limited by "
        "resourceNames to the accounts they serve.",
    .references = {ref::kLeastPrivilege, ref::kContainerServiceAccount, ref::kAttackStealToken, kCisTokenCreate},
};

const rbac::Need kNeeds[] = {{"create", "", "serviceaccounts/token"}};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  report_grants(ctx, out, GrantQuery{kNeeds, "create tokens for service accounts", false});
}

}  // namespace

void register_token_create(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
