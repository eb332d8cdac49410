// Grouping of inventory facts by namespace, shared by the NET rules.
//
// Manifests without metadata.namespace are applied together into whatever
// namespace the tool chooses (kubectl -n, Helm, Argo CD), so they form one
// group of their own, "(unspecified)": a NetworkPolicy without a namespace
// covers the workloads without a namespace, and nothing else.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/inventory.h"

namespace kg::rules::net {

inline constexpr std::string_view kUnspecifiedNamespace = "(unspecified)";

std::string_view namespace_group(const k8s::ObjectRef& ref);

// "namespace 'shop'", or a phrase naming the "(unspecified)" group.
std::string describe_group(std::string_view group);

// A CiliumClusterwideNetworkPolicy: it selects pods of every namespace.
bool cluster_wide(const rules::NetworkPolicyFact& policy);

// The NetworkPolicies of the input by namespace group (cluster-wide ones in
// every group), and within a group by one label their selector requires, so
// a workload meets only the policies that could select it: thousands of
// workloads and policies in one namespace cost their sum, not their product.
// Points into the inventory.
class PolicyIndex {
 public:
  explicit PolicyIndex(const rules::Inventory& inventory);

  // Every policy of the group (cluster-wide ones included).
  size_t count(std::string_view group) const;
  // The policies of the group that select pods with these labels, each once,
  // in the order of the input (cluster-wide ones first).
  std::vector<const rules::NetworkPolicyFact*> selecting(std::string_view group, const k8s::Labels& labels) const;

 private:
  struct Group {
    std::vector<const rules::NetworkPolicyFact*> all;
    // Selectors without matchLabels (empty, or expressions only): asked for every workload.
    std::vector<const rules::NetworkPolicyFact*> unkeyed;
    // The others under their first matchLabels pair, "key=value" (a workload
    // lacking that label cannot be selected).
    std::map<std::string, std::vector<const rules::NetworkPolicyFact*>, std::less<>> by_label;
  };
  void add(Group& group, const rules::NetworkPolicyFact& policy);
  void collect(const Group& group, const k8s::Labels& labels, std::vector<const rules::NetworkPolicyFact*>& out) const;

  std::map<std::string, Group, std::less<>> by_group_;
  Group cluster_wide_;
};

}  // namespace kg::rules::net
