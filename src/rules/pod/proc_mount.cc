#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-016",
    .slug = "unmasked-proc-mount",
    .title = "Container mounts /proc unmasked",
    .severity = Severity::High,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "The runtime masks and makes read-only the parts of /proc that reach the kernel and the host "
        "(/proc/kcore, /proc/sysrq-trigger, /proc/sys ...). procMount: Unmasked removes those masks; outside a "
        "user namespace that exposes the node's kernel to the container.",
    .remediation = "Remove securityContext.procMount or set it to Default.",
    .references = {ref::kRestrictOverPermissive,
                   ref::kPodSecurityStandards,
                   ref::kAttackEscapeToHost,
                   {ReferenceKind::Pss, "baseline/procMount", "/proc Mount Type"},
                   kCisSecurityContext,
                   ref::kNsaPodSecurity},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& c : ctx.pod->containers) {
    const doc::Node* proc_mount = c.node->find({"securityContext", "procMount"});
    if (proc_mount == nullptr || proc_mount->is_null() || proc_mount->str() == "Default") continue;
    out.report(c.path + ".securityContext.procMount", proc_mount,
               fmt::format("{} mounts /proc with procMount: {}", describe(c), proc_mount->str()), &c);
  }
}

}  // namespace

void register_proc_mount(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
