#include <fmt/format.h>

#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-015",
    .slug = "public-subject-binding",
    .title = "Binding to system:anonymous, system:unauthenticated or system:authenticated",
    .severity = Severity::Critical,
    .family = "RBAC",
    .kinds = {"RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "system:anonymous and system:unauthenticated are anyone who reaches the API server without "
        "credentials; system:authenticated is every user and every service account of every pod. A binding "
        "to them hands its role to the whole network or to any compromised pod. Critical for the first two, "
        "high for system:authenticated. Kubernetes' own bindings (system:public-info-viewer, "
        "system:discovery, system:basic-user) are not reported: they grant only discovery and self-review.",
    .remediation = "Bind named users, groups of your identity provider, or specific service accounts instead.",
    .references = {ref::kLeastPrivilege, ref::kAttackValidAccounts, kNsaRbac},
};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  for (const auto& b : ctx.inventory.rbac.bindings) {
    if (b.bootstrap) continue;
    for (const auto& s : b.subjects) {
      if (s.kind == rbac::SubjectKind::ServiceAccount) continue;
      bool anonymous = s.name == "system:anonymous" || s.name == "system:unauthenticated";
      if (!anonymous && s.name != "system:authenticated") continue;
      out.report(anonymous ? Severity::Critical : Severity::High, s.origin,
                 fmt::format("{} {}{} gives {} {} to {} {}", b.cluster ? "ClusterRoleBinding" : "RoleBinding",
                             b.name_space.empty() ? "" : b.name_space + "/", b.name,
                             b.role_is_cluster ? "ClusterRole" : "Role", b.role_name, rbac::subject_kind_name(s.kind),
                             s.name));
    }
  }
}

}  // namespace

void register_public_subject_binding(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
