#include <algorithm>

#include <fmt/format.h>

#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-013",
    .slug = "wildcard-rule",
    .title = "Role rule with a wildcard verb or resource",
    .severity = Severity::High,
    .family = "RBAC",
    .kinds = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "\"*\" in verbs or resources grants everything that exists now and everything added later: new "
        "subresources (pods/ephemeralcontainers arrived this way), custom resources, escalate and bind. A "
        "wildcard rule cannot be reviewed, because what it allows changes under it. Kubernetes' own roles "
        "are not reported, on evidence only (label kubernetes.io/bootstrapping=rbac-defaults, a default's name, no "
        "rule beyond the default's; a name starting with system: proves nothing); bindings to cluster-admin and "
        "roles as strong are KG-RBAC-014.",
    .remediation = "List the verbs and resources the subject needs; use separate rules per API group.",
    .references = {ref::kLeastPrivilege, kCisMinimizeWildcards, ref::kAttackValidAccounts, kNsaRbac},
};

bool has_star(const std::vector<std::string>& values) {
  return std::find(values.begin(), values.end(), "*") != values.end();
}

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  const rbac::Objects& input = ctx.inventory.rbac;
  if (input.empty()) return;
  const rbac::Policy& policy = ctx.rbac_policy;
  for (size_t i = 0; i < input.roles.size(); ++i) {
    const rbac::Role& role = policy.roles()[i];
    if (role.bootstrap) continue;
    for (size_t j = 0; j < role.rules.size(); ++j) {
      const rbac::PolicyRule& rule = role.rules[j];
      bool verbs = has_star(rule.verbs);
      bool resources = has_star(rule.resources) || has_star(rule.non_resource_urls);
      if (!verbs && !resources) continue;
      std::string what = verbs && resources ? "every verb on every resource" : verbs ? "every verb" : "every resource";
      out.report(
          input.roles[i].rules[j].origin,
          fmt::format("{} {}{} rules[{}] grants {}{}; {}", role.cluster ? "ClusterRole" : "Role",
                      role.name_space.empty() ? "" : role.name_space + "/", role.name, j, what,
                      has_star(rule.api_groups) ? " of every API group" : "", holders(policy.bindings_granting(role))));
    }
  }
}

}  // namespace

void register_wildcard(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
