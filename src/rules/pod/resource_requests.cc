#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-018",
    .slug = "missing-resource-requests",
    .title = "Container has no CPU or memory request",
    .severity = Severity::Low,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "Without requests the scheduler places the pod as if it needed nothing, the pod lands in the "
        "BestEffort (or a weak Burstable) QoS class and is the first evicted under pressure, and a neighbour's "
        "runaway load is not accounted for. Checked for regular, init and native sidecar containers; "
        "ephemeral containers cannot have resources. A limit without a request counts as the request, since "
        "the API server copies the limit into the missing request.",
    .remediation =
        "Set resources.requests.cpu and resources.requests.memory to the container's measured "
        "steady-state use.",
    .references = {ref::kDenialOfService, ref::kRequestsAndLimits, ref::kAttackEndpointDos, kNsaResourcePolicies},
};

bool has(const doc::Node* resources, std::string_view section, std::string_view name) {
  const doc::Node* value = resources == nullptr ? nullptr : resources->find({section, name});
  return value != nullptr && !value->is_null();
}

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& c : ctx.pod->containers) {
    if (c.kind == k8s::ContainerKind::Ephemeral) continue;
    const doc::Node* resources = c.node->get("resources");
    bool cpu = has(resources, "requests", "cpu") || has(resources, "limits", "cpu");
    bool memory = has(resources, "requests", "memory") || has(resources, "limits", "memory");
    if (cpu && memory) continue;
    std::string_view missing = !cpu && !memory ? "CPU and memory requests" : !cpu ? "CPU request" : "memory request";
    Location at = deepest_location(c, {"resources", "requests"});
    out.report(std::move(at.path), at.node, fmt::format("{} has no {}", describe(c), missing), &c);
  }
}

}  // namespace

void register_resource_requests(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
