#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-023",
    .slug = "default-service-account",
    .title = "Pod runs as the namespace's default service account",
    .severity = Severity::Low,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "The default service account is shared by every pod of the namespace that names no other, so any "
        "role bound to it (often added for one workload) is granted to all of them, and audit logs cannot "
        "tell the workloads apart. serviceAccountName is read, then the deprecated serviceAccount.",
    .remediation =
        "Create a service account per workload, set spec.serviceAccountName to it, and bind roles "
        "to that account only.",
    .references = {ref::kContainerServiceAccount,
                   ref::kLeastPrivilege,
                   ref::kAttackValidAccounts,
                   ref::kAttackStealToken,
                   {ReferenceKind::Cis, "5.1.5", "Ensure that default service accounts are not actively used"}},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (std::string_view field : {std::string_view("serviceAccountName"), std::string_view("serviceAccount")}) {
    const doc::Node* name = ctx.pod->spec->get(field);
    if (name == nullptr || name->str().empty()) continue;
    if (name->str() == "default") {
      out.report(ctx.pod->field_path(field), name,
                 fmt::format("pod runs as the default service account ({}: default)", field));
    }
    return;
  }
  out.report(ctx.pod->path, ctx.pod->spec, "pod runs as the default service account (no serviceAccountName)");
}

}  // namespace

void register_default_service_account(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
