#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-001",
    .slug = "privileged-container",
    .title = "Container runs privileged",
    .severity = Severity::Critical,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "A privileged container has every capability and all host devices; escaping to the node is "
        "one mount away. A privileged sidecar is the most valuable foothold an injected container "
        "can get.",
    .remediation =
        "Remove securityContext.privileged or set it to false; grant only the capabilities the "
        "process needs.",
    .references = {ref::kPrivilegedContainer,
                   ref::kRestrictOverPermissive,
                   ref::kAttackEscapeToHost,
                   {ReferenceKind::Pss, "baseline/privileged", "Privileged Containers"},
                   {ReferenceKind::Cis, "5.2.2", "Minimize the admission of privileged containers"},
                   ref::kNsaPodSecurity},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& c : ctx.pod->containers) {
    const doc::Node* privileged = c.node->find({"securityContext", "privileged"});
    if (is_true(privileged)) {
      out.report(c.path + ".securityContext.privileged", privileged, fmt::format("{} runs privileged", describe(c)),
                 &c);
    }
  }
}

}  // namespace

void register_privileged(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
