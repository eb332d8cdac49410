#include <algorithm>

#include "rules/net/namespace_groups.h"
#include "rules/net/net_rules.h"

namespace kg::rules::net {
namespace {

const RuleMeta kMeta{
    .id = "KG-NET-001",
    .slug = "workload-not-isolated",
    .title = "Workload whose ingress no NetworkPolicy isolates",
    .severity = Severity::Medium,
    .family = "NET",
    .kinds = {"pod-bearing", "NetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"},
    .rationale =
        "A pod that no NetworkPolicy isolates for ingress accepts connections from every pod in the cluster: one "
        "compromised pod can map the network and reach it. Coverage is decided from the input alone: a "
        "workload's ingress is isolated when a networking.k8s.io NetworkPolicy of the same namespace in the "
        "input selects its pod labels (an empty podSelector selects every pod) and its policyTypes include "
        "Ingress. policyTypes are read as the API server defaults them: written, they are taken as they are "
        "(a policy with policyTypes: [Egress] does not isolate ingress); omitted, they are Ingress, plus Egress "
        "when the policy has egress rules. Cilium's policies count too: a CiliumNetworkPolicy of the namespace, or a "
        "CiliumClusterwideNetworkPolicy, whose endpointSelector selects the pods and that has an ingress or "
        "ingressDeny section. Egress isolation is KG-NET-003. Manifests without a namespace are taken to "
        "be applied together, so "
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
    size_t in_group = policies.count(group);
    size_t selecting = 0;
    bool isolated = false;
    for (const rules::NetworkPolicyFact* p : policies.selecting(group, workload.pod_labels)) {
      ++selecting;
      isolated |= p->ingress;
    }
    if (isolated) continue;
    std::string coverage =
        in_group == 0 ? fmt::format("{} has no NetworkPolicy", describe_group(group))
        : selecting == 0
            ? fmt::format("no NetworkPolicy of {} ({} in all) selects its pods", describe_group(group), in_group)
            : fmt::format(
                  "the {} NetworkPolicy(ies) of {} that select its pods have policyTypes "
                  "without Ingress, which leaves ingress open",
                  selecting, describe_group(group));
    out.report(workload.origin, fmt::format("{} '{}': {}, so its pods accept traffic from any pod",
                                            workload.origin.ref.kind, workload.origin.ref.name, coverage));
  }
}

}  // namespace

void register_workload_not_isolated(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::net
