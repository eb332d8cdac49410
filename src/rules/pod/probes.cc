// Liveness and readiness probes: two rules over the same set of long-running
// containers.
#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const Reference kProbesDoc{ReferenceKind::Other, "k8s-probes",
                           "Kubernetes: Configure Liveness, Readiness and Startup Probes"};

const RuleMeta kLiveness{
    .id = "KG-POD-024",
    .slug = "missing-liveness-probe",
    .title = "Long-running container has no liveness probe",
    .severity = Severity::Low,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "Without a liveness probe a container that hangs (deadlock, exhausted resources, a stuck proxy) keeps "
        "running and keeps failing its clients until someone notices; the kubelet restarts only what it can "
        "see is dead. Checked for regular containers and native sidecars (init containers with "
        "restartPolicy: Always, which run as long as the pod and are restarted like regular containers) of "
        "long-running workloads: not Jobs, CronJobs, or Pods and PodTemplates with restartPolicy Never or "
        "OnFailure, and not run-to-completion init containers or ephemeral containers, which cannot have "
        "probes.",
    .remediation =
        "Add a livenessProbe that fails only when the process cannot recover by itself (a cheap "
        "local health endpoint), with a startupProbe for slow starters.",
    .references = {ref::kDenialOfService, ref::kAttackEndpointDos, kProbesDoc},
};

const RuleMeta kReadiness{
    .id = "KG-POD-025",
    .slug = "missing-readiness-probe",
    .title = "Long-running container has no readiness probe",
    .severity = Severity::Low,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "Without a readiness probe a pod receives Service traffic as soon as its containers start, before the "
        "application can answer, and keeps receiving it while it is overloaded or broken. Checked for regular "
        "containers of long-running workloads (not Jobs, CronJobs, or Pods and PodTemplates with restartPolicy "
        "Never or OnFailure). Native sidecars are not checked: the application container's readiness is what "
        "should gate traffic, and asking every helper for its own probe is noise.",
    .remediation = "Add a readinessProbe that succeeds only when the container can serve requests.",
    .references = {ref::kDenialOfService, ref::kAttackEndpointDos, kProbesDoc},
};

bool long_running(const ObjectContext& ctx) {
  std::string_view kind = ctx.object.ref.kind;
  if (kind == "Job" || kind == "CronJob") return false;
  std::string_view restart = k8s::string_at(ctx.pod->spec, "restartPolicy");
  return restart != "Never" && restart != "OnFailure";
}

void report_missing_probe(const ObjectContext& ctx, Emitter& out, std::string_view probe, bool native_sidecars) {
  if (!long_running(ctx)) return;
  for (const auto& c : ctx.pod->containers) {
    bool checked =
        c.kind == k8s::ContainerKind::Regular || (native_sidecars && c.role == k8s::ContainerRole::NativeSidecar);
    if (!checked) continue;
    const doc::Node* node = c.node->get(probe);
    if (node != nullptr && !node->is_null()) continue;
    out.report(c.path, c.node, fmt::format("{} has no {}", describe(c), probe), &c);
  }
}

void check_liveness(const ObjectContext& ctx, Emitter& out) { report_missing_probe(ctx, out, "livenessProbe", true); }
void check_readiness(const ObjectContext& ctx, Emitter& out) {
  report_missing_probe(ctx, out, "readinessProbe", false);
}

}  // namespace

void register_probes(Catalog& catalog) {
  catalog.add_pod_rule(kLiveness, check_liveness);
  catalog.add_pod_rule(kReadiness, check_readiness);
}

}  // namespace kg::rules::pod
