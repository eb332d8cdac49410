// Memory and CPU limits: two rules, one shape.
#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMemoryLimit{
    .id = "KG-POD-019",
    .slug = "missing-memory-limit",
    .title = "Container has no memory limit",
    .severity = Severity::Medium,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "A container without a memory limit can take all of the node's memory: a leak, a hostile input or a "
        "miner in a hijacked container pushes the node into out-of-memory kills of its neighbours and of node "
        "daemons. Checked for regular, init and native sidecar containers; ephemeral containers cannot have "
        "resources.",
    .remediation =
        "Set resources.limits.memory (usually equal to the memory request), or give the namespace a "
        "LimitRange with a default memory limit.",
    .references = {ref::kResourceHijacking, ref::kDenialOfService, ref::kRequestsAndLimits,
                   ref::kAttackResourceHijacking, ref::kAttackEndpointDos, kNsaResourcePolicies},
};

const RuleMeta kCpuLimit{
    .id = "KG-POD-020",
    .slug = "missing-cpu-limit",
    .title = "Container has no CPU limit",
    .severity = Severity::Low,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "A container without a CPU limit may use every idle core of the node, which is what a cryptominer in "
        "a hijacked container wants and what hides it: nothing throttles or flags it. CPU is compressible, "
        "so the risk to neighbours is lower than for memory. Checked for regular, init and native sidecar "
        "containers; ephemeral containers cannot have resources.",
    .remediation =
        "Set resources.limits.cpu, or give the namespace a LimitRange with a default CPU limit; if "
        "CPU limits are avoided on purpose, disable this rule in .kubeguard.yaml.",
    .references = {ref::kResourceHijacking, ref::kRequestsAndLimits, ref::kAttackResourceHijacking,
                   kNsaResourcePolicies},
};

void report_missing_limit(const ObjectContext& ctx, Emitter& out, std::string_view resource, std::string_view label) {
  for (const auto& c : ctx.pod->containers) {
    if (c.kind == k8s::ContainerKind::Ephemeral) continue;
    const doc::Node* limit = c.node->find({"resources", "limits", resource});
    if (limit != nullptr && !limit->is_null()) continue;
    Location at = deepest_location(c, {"resources", "limits"});
    out.report(std::move(at.path), at.node, fmt::format("{} has no {} limit", describe(c), label), &c);
  }
}

void check_memory(const ObjectContext& ctx, Emitter& out) { report_missing_limit(ctx, out, "memory", "memory"); }
void check_cpu(const ObjectContext& ctx, Emitter& out) { report_missing_limit(ctx, out, "cpu", "CPU"); }

}  // namespace

void register_resource_limits(Catalog& catalog) {
  catalog.add_pod_rule(kMemoryLimit, check_memory);
  catalog.add_pod_rule(kCpuLimit, check_cpu);
}

}  // namespace kg::rules::pod
