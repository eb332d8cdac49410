#include <algorithm>

#include "rules/net/namespace_groups.h"
#include "rules/net/net_rules.h"

namespace kg::rules::net {
namespace {

const RuleMeta kMeta{
    .id = "KG-NET-001",
    .slug = "workload-not-isolated",
    .title = "Workload not selected by any NetworkPolicy",
    .severity = Severity::Medium,
    .family = "NET",
    .kinds = {"pod-bearing", "NetworkPolicy"},
    .rationale =
        "A pod that no NetworkPolicy selects accepts connections from every pod in the cluster and may connect "
        "anywhere: one compromised pod can map the network and reach it, and it can reach everything once "
        "compromised. Coverage is decided from the input alone: a workload is isolated when a "
        "networking.k8s.io NetworkPolicy of the same namespace in the input selects its pod labels (an empty "
        "podSelector selects every pod). Manifests without a namespace are taken to be applied together, so "
        "a policy without a namespace covers workloads without a namespace. Policies that exist only in the "
        "cluster are not seen; scan them with the workloads, or use `kubeguard cluster scan`.",
    .remediation =
        "Add a NetworkPolicy in the workload's namespace whose podSelector matches its pod labels, "
        "allowing only the peers and ports it needs; start from a namespace-wide default deny "
        "(podSelector: {}, policyTypes: [Ingress, Egress]).",
    .references = {ref::kClusterInternalNetworking, kNetworkMapping, ref::kNetworkSegmentation, kAttackRemoteServices,
                   ref::kAttackNetworkDiscovery, kCisNetworkPolicies, ref::kNsaNetworkSeparation},
};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  PolicyIndex policies(ctx.inventory);
  for (const auto& workload : ctx.inventory.workloads) {
    std::string_view group = namespace_group(workload.origin.ref);
    auto candidates = policies.in(group);
    bool selected = std::any_of(candidates.begin(), candidates.end(), [&](const k8s::NetworkPolicyFact* p) {
      return p->pod_selector.matches(workload.pod_labels);
    });
    if (selected) continue;
    std::string coverage = candidates.empty() ? fmt::format("{} has no NetworkPolicy", describe_group(group))
                                              : fmt::format("no NetworkPolicy of {} ({} in all) selects its pods",
                                                            describe_group(group), candidates.size());
    out.report(workload.origin, fmt::format("{} '{}': {}, so they accept traffic from any pod and may reach any "
                                            "destination",
                                            workload.origin.ref.kind, workload.origin.ref.name, coverage));
  }
}

}  // namespace

void register_workload_not_isolated(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::net
