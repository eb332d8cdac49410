#include "rules/net/namespace_groups.h"
#include "rules/net/net_rules.h"

namespace kg::rules::net {
namespace {

const RuleMeta kMeta{
    .id = "KG-NET-003",
    .slug = "workload-egress-not-isolated",
    .title = "Workload whose egress no NetworkPolicy isolates",
    .severity = Severity::Low,
    .family = "NET",
    .kinds = {"pod-bearing", "NetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"},
    .rationale =
        "A pod whose egress no NetworkPolicy restricts may connect anywhere once compromised: the API server, the "
        "cloud's metadata endpoint, every other pod, and any address outside the cluster to fetch tools or send "
        "data away. A workload's egress is isolated when a networking.k8s.io NetworkPolicy of its namespace in "
        "the input selects its pods and its policyTypes include Egress; policyTypes are read as the API server "
        "defaults them (omitted: Egress only when the policy has at least one egress rule), so a policy with "
        "ingress rules alone leaves egress open. A CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy with an "
        "egress or egressDeny section isolates the egress of the pods its endpointSelector selects. Lower than ingress "
        "(KG-NET-001) because an open egress is the "
        "second step of an attack, not the door.",
    .remediation =
        "Add policyTypes: [Egress] to a policy that selects the workload (a namespace-wide default deny with "
        "podSelector: {} and policyTypes: [Ingress, Egress] covers every pod), then allow DNS and the "
        "destinations the workload needs.",
    .references = {ref::kClusterInternalNetworking, ref::kNetworkSegmentation, ref::kNsaNetworkSeparation,
                   kCisNetworkPolicies},
};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  PolicyIndex policies(ctx.inventory);
  for (const auto& workload : ctx.inventory.workloads) {
    std::string_view group = namespace_group(workload.origin.ref);
    size_t selecting = 0;
    bool isolated = false;
    for (const rules::NetworkPolicyFact* p : policies.selecting(group, workload.pod_labels)) {
      ++selecting;
      isolated |= p->egress;
    }
    if (isolated) continue;
    std::string coverage = selecting == 0
                               ? fmt::format("no NetworkPolicy of {} selects its pods", describe_group(group))
                               : fmt::format(
                                     "the {} NetworkPolicy(ies) of {} that select its pods do not have "
                                     "Egress in their policyTypes",
                                     selecting, describe_group(group));
    out.report(workload.origin, fmt::format("{} '{}': {}, so its pods may connect to any destination",
                                            workload.origin.ref.kind, workload.origin.ref.name, coverage));
  }
}

}  // namespace

void register_workload_egress_not_isolated(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::net
