#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-004",
    .slug = "writable-root-filesystem",
    .title = "Container root filesystem is writable",
    .severity = Severity::Medium,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "A writable root filesystem lets an intruder download and keep tools, miners and modified binaries "
        "inside the container, and lets a hijacked sidecar rewrite its own configuration. A read-only root "
        "with explicit emptyDir mounts for scratch space confines writes to known places. Windows pods cannot "
        "set the field and are not checked.",
    .remediation =
        "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir at each path the "
        "process must write (e.g. /tmp).",
    .references = {ref::kResourceHijacking, ref::kRestrictOverPermissive, kRemoveTools, kAttackIngressTool,
                   ref::kAttackResourceHijacking, kCisSecurityContext, ref::kNsaPodSecurity},
};

void check(const ObjectContext& ctx, Emitter& out) {
  if (is_windows_pod(*ctx.pod)) return;
  for (const auto& c : ctx.pod->containers) {
    const doc::Node* field = c.node->find({"securityContext", "readOnlyRootFilesystem"});
    if (is_true(field)) continue;
    if (field != nullptr && !field->is_null()) {
      out.report(
          c.path + ".securityContext.readOnlyRootFilesystem", field,
          fmt::format("{} has a writable root filesystem (readOnlyRootFilesystem: {})", describe(c), field->str()), &c);
    } else {
      Location at = security_context_location(c);
      out.report(at.path, at.node,
                 fmt::format("{} has a writable root filesystem (readOnlyRootFilesystem is not set)", describe(c)), &c);
    }
  }
}

}  // namespace

void register_writable_root_fs(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
