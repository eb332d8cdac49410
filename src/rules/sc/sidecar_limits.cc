#include "rules/sc/sc_rules.h"

namespace kg::rules::sc {
namespace {

const RuleMeta kMeta{
    .id = "KG-SC-003",
    .slug = "sidecar-without-limits",
    .title = "Sidecar without CPU and memory limits",
    .severity = Severity::Medium,
    .family = "SC",
    .kinds = {"pod-bearing"},
    .rationale =
        "A sidecar without limits can take the node's CPU (the resource hijacking a miner wants) or "
        "starve the application it runs beside. Approved sidecars are held to this too: a limit is the "
        "cap on what a hijacked sidecar can burn.",
    .remediation =
        "Set resources.limits.cpu and resources.limits.memory on the sidecar (for injected sidecars, "
        "through the injector's settings, e.g. sidecar.istio.io/proxyCPULimit or "
        "config.linkerd.io/proxy-cpu-limit).",
    .references = {ref::kSidecarInjection, ref::kRequestsAndLimits, ref::kResourceHijacking,
                   ref::kAttackResourceHijacking},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& c : ctx.pod->containers) {
    if (!is_sidecar(c)) continue;
    const doc::Node* limits = c.node->find({"resources", "limits"});
    bool cpu = limits != nullptr && limits->get("cpu") != nullptr;
    bool memory = limits != nullptr && limits->get("memory") != nullptr;
    if (cpu && memory) continue;
    std::string_view missing = !cpu && !memory ? "CPU and memory limits" : (!cpu ? "a CPU limit" : "a memory limit");
    out.report(c.path + ".resources", c.node->get("resources") != nullptr ? c.node->get("resources") : c.node,
               fmt::format("sidecar '{}' ({}) has no {}", c.name, k8s::role_name(c.role), missing), &c);
  }
}

}  // namespace

void register_sidecar_limits(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::sc
