#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-002",
    .slug = "privilege-escalation-allowed",
    .title = "Container may gain more privileges than its parent process",
    .severity = Severity::High,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "Unless allowPrivilegeEscalation is false the kernel's no_new_privs flag stays off, so a setuid or "
        "setgid binary, or a file capability, in the image lifts the process to root or adds capabilities. "
        "The field defaults to true, so a missing field is reported as well. It is a container-level field "
        "only: a value in the pod's securityContext is not part of the API and does not apply. Windows pods "
        "(spec.os.name: windows) cannot set it and are not checked.",
    .remediation =
        "Set securityContext.allowPrivilegeEscalation: false on every container, init container and "
        "ephemeral container.",
    .references = {ref::kRestrictOverPermissive,
                   ref::kPodSecurityStandards,
                   kAttackSetuid,
                   kAttackExploitPrivEsc,
                   {ReferenceKind::Pss, "restricted/allowPrivilegeEscalation", "Privilege Escalation"},
                   {ReferenceKind::Cis, "5.2.6", "Minimize the admission of containers with allowPrivilegeEscalation"},
                   ref::kNsaPodSecurity},
};

void check(const ObjectContext& ctx, Emitter& out) {
  if (is_windows_pod(*ctx.pod)) return;
  for (const auto& c : ctx.pod->containers) {
    const doc::Node* field = c.node->find({"securityContext", "allowPrivilegeEscalation"});
    if (is_false(field)) continue;
    if (field != nullptr && !field->is_null()) {
      out.report(
          c.path + ".securityContext.allowPrivilegeEscalation", field,
          fmt::format("{} allows privilege escalation (allowPrivilegeEscalation: {})", describe(c), field->str()), &c);
    } else {
      Location at = security_context_location(c);
      out.report(
          at.path, at.node,
          fmt::format("{} does not set allowPrivilegeEscalation: false (the default allows escalation)", describe(c)),
          &c);
    }
  }
}

}  // namespace

void register_privilege_escalation(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
