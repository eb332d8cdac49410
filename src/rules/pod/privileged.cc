#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-001",
    .slug = "privileged-container",
    .title = "Container runs privileged (Linux privileged or Windows HostProcess)",
    .severity = Severity::Critical,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "A privileged container has every capability and all host devices; escaping to the node is "
        "one mount away. A privileged sidecar is the most valuable foothold an injected container "
        "can get. A Windows HostProcess container (securityContext.windowsOptions.hostProcess: true, on "
        "the container or for the whole pod) is the same on a Windows node: it runs as a process of the "
        "host with the host's network and file system, so it is reported here too.",
    .remediation =
        "Remove securityContext.privileged (and windowsOptions.hostProcess) or set it to false; grant only "
        "the capabilities the process needs.",
    .references = {ref::kPrivilegedContainer,
                   ref::kRestrictOverPermissive,
                   ref::kAttackEscapeToHost,
                   {ReferenceKind::Pss, "baseline/privileged", "Privileged Containers"},
                   {ReferenceKind::Pss, "baseline/windowsHostProcess", "HostProcess"},
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
    // The container's windowsOptions.hostProcess when set, else the pod's.
    std::string where = c.path + ".securityContext.windowsOptions.hostProcess";
    const doc::Node* host_process = c.node->find({"securityContext", "windowsOptions", "hostProcess"});
    if (host_process == nullptr || host_process->is_null()) {
      host_process = ctx.pod->spec->find({"securityContext", "windowsOptions", "hostProcess"});
      where = ctx.pod->path + ".securityContext.windowsOptions.hostProcess";
    }
    if (is_true(host_process)) {
      out.report(where, host_process,
                 fmt::format("{} runs as a Windows HostProcess container (windowsOptions.hostProcess: true): a "
                             "process of the node",
                             describe(c)),
                 &c);
    }
  }
}

}  // namespace

void register_privileged(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
