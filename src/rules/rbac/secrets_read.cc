#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-011",
    .slug = "secrets-read",
    .title = "May read secrets (get, list or watch)",
    .severity = Severity::High,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "Secrets hold credentials: registry pull secrets, TLS keys, database passwords and (in older clusters) "
        "service-account tokens. list and watch return every secret's value at once, so they are as strong as get on "
        "all.",
    .remediation =
        "Limit secret access to the controllers that need it, with resourceNames where possible; mount secrets into "
        "pods instead of reading them through the API; use a managed secret store.",
    .references = {ref::kLeastPrivilege, kListSecrets, ref::kManagedSecretStore, ref::kAttackUnsecuredCredentials,
                   kCisSecrets},
};

const rbac::Need kNeeds[] = {{"get", "", "secrets"}, {"list", "", "secrets"}, {"watch", "", "secrets"}};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  report_grants(ctx, out, GrantQuery{kNeeds, "read secrets", false});
}

}  // namespace

void register_secrets_read(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
