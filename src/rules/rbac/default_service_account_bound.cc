#include <fmt/format.h>

#include "rules/rbac/rbac_rules.h"

namespace kg::rules::rbac_rules {
namespace {

const RuleMeta kMeta{
    .id = "KG-RBAC-018",
    .slug = "default-service-account-bound",
    .title = "Role bound to a namespace's default service account",
    .severity = Severity::Medium,
    .family = "RBAC",
    .kinds = {"RoleBinding", "ClusterRoleBinding"},
    .rationale =
        "Every namespace has a service account named default, and every pod that names no service account runs "
        "as it, with its token mounted unless someone turned that off. Kubernetes binds nothing to it, so a "
        "binding that does hands the role to every such pod of the namespace, present and future: a debugging "
        "shell, a third-party chart that forgot serviceAccountName, an attacker's pod. Each binding is reported "
        "with its role; high when the role grants every verb on every resource, and when a ClusterRoleBinding "
        "gives it in every namespace. Kubernetes' own bindings (by evidence: label "
        "kubernetes.io/bootstrapping=rbac-defaults and the default's content) are not reported.",
    .remediation =
        "Create a dedicated service account for the workload that needs the permission, bind the role to it and "
        "set serviceAccountName; leave default without bindings (and with automountServiceAccountToken: false).",
    .references = {ref::kLeastPrivilege, ref::kContainerServiceAccount, ref::kDisableSaAutomount, kCisDefaultSa,
                   kNsaRbac},
};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  const rbac::Objects& input = ctx.inventory.rbac;
  if (input.empty()) return;
  const rbac::Policy& policy = ctx.rbac_policy;
  const auto& bindings = policy.bindings();
  for (size_t i = 0; i < bindings.size(); ++i) {
    const rbac::Binding& b = bindings[i];
    if (b.bootstrap) continue;
    for (size_t s = 0; s < b.subjects.size(); ++s) {
      const rbac::Subject& subject = b.subjects[s];
      if (subject.kind != rbac::SubjectKind::ServiceAccount || subject.name != "default") continue;
      std::string ns = rbac::subject_namespace(subject, b);
      if (ns.empty()) continue;  // a ClusterRoleBinding subject without a namespace matches nobody
      const rbac::Role* role = policy.role_of(b);
      bool everything = role != nullptr && grants_everything(policy.rules_of(*role));
      Severity severity = everything || b.cluster ? Severity::High : out.severity();
      std::string role_text = fmt::format("{} {}{}", b.role_is_cluster ? "ClusterRole" : "Role",
                                          b.role_is_cluster ? "" : b.name_space + "/", b.role_name);
      if (role == nullptr) role_text += " (not in the input)";
      else if (everything) role_text += " (every verb on every resource)";
      out.report(severity, input.bindings[i].subjects[s].origin,
                 fmt::format("{} {}{} gives {} to ServiceAccount {}/default{}: every pod of namespace {} that "
                             "names no service account holds it",
                             b.cluster ? "ClusterRoleBinding" : "RoleBinding", b.cluster ? "" : b.name_space + "/",
                             b.name, role_text, ns, b.cluster ? " in every namespace" : "", ns));
    }
  }
}

}  // namespace

void register_default_service_account_bound(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::rbac_rules
