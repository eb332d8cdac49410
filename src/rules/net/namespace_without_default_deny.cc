#include <map>
#include <vector>

#include "rules/net/namespace_groups.h"
#include "rules/net/net_rules.h"

namespace kg::rules::net {
namespace {

const RuleMeta kMeta{
    .id = "KG-NET-002",
    .slug = "namespace-without-default-deny",
    .title = "Namespace without a default-deny ingress NetworkPolicy",
    .severity = Severity::Medium,
    .family = "NET",
    .kinds = {"pod-bearing", "NetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy", "Namespace"},
    .rationale =
        "Without a default-deny policy (podSelector: {}, policyTypes including Ingress, no ingress rules), every "
        "new pod in the namespace starts open to the whole cluster until someone writes a policy for it, and "
        "a pod added by an attacker or a mistake is reachable at once. A default deny makes isolation the "
        "starting point and each allow a reviewed exception. The rule looks at namespaces that have workloads "
        "in the input and reports once per namespace, on its Namespace object when the input has one, else on "
        "its first workload; the message also says whether egress is denied by default. Manifests without a "
        "namespace form one group, \"(unspecified)\", applied together into one namespace.",
    .remediation =
        "Add to the namespace a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] "
        "and no rules, then allow the traffic each workload needs (including DNS egress) with "
        "narrower policies.",
    .references = {ref::kClusterInternalNetworking, kNetworkMapping, ref::kNetworkSegmentation, kAttackRemoteServices,
                   ref::kAttackNetworkDiscovery, kCisNetworkPolicies, ref::kNsaNetworkSeparation},
};

struct GroupState {
  std::string_view name;
  const k8s::Origin* first_workload = nullptr;
  size_t workloads = 0;
  bool denies_ingress = false;
  bool denies_egress = false;
};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  const rules::Inventory& inventory = ctx.inventory;
  // In order of first appearance, so findings follow the input.
  std::vector<GroupState> groups;
  std::map<std::string_view, size_t, std::less<>> index;
  for (const auto& workload : inventory.workloads) {
    std::string_view group = namespace_group(workload.origin.ref);
    auto [it, added] = index.emplace(group, groups.size());
    if (added) groups.push_back(GroupState{group, &workload.origin});
    ++groups[it->second].workloads;
  }
  for (const auto& policy : inventory.network_policies) {
    if (!policy.pod_selector.empty()) continue;
    auto apply = [&](GroupState& state) {
      state.denies_ingress |= policy.ingress && !policy.has_ingress_rules;
      state.denies_egress |= policy.egress && !policy.has_egress_rules;
    };
    if (cluster_wide(policy)) {
      for (auto& state : groups) apply(state);
      continue;
    }
    auto it = index.find(namespace_group(policy.origin.ref));
    if (it != index.end()) apply(groups[it->second]);
  }
  std::map<std::string_view, const k8s::Origin*, std::less<>> namespace_objects;
  for (const auto& ns : inventory.namespaces) namespace_objects.emplace(ns.origin.ref.name, &ns.origin);

  for (const GroupState& state : groups) {
    if (state.denies_ingress) continue;
    const k8s::Origin* at = state.first_workload;
    if (auto it = namespace_objects.find(state.name);
        state.name != kUnspecifiedNamespace && it != namespace_objects.end()) {
      at = it->second;
    }
    out.report(*at, fmt::format("{}: {} workload(s) and no default-deny ingress NetworkPolicy (podSelector: {{}}, "
                                "policyTypes: [Ingress], no ingress rules); egress is {}",
                                describe_group(state.name), state.workloads,
                                state.denies_egress ? "denied by default" : "not denied by default either"));
  }
}

}  // namespace

void register_namespace_without_default_deny(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::net
