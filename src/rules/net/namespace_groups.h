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

#include "k8s/inventory.h"

namespace kg::rules::net {

inline constexpr std::string_view kUnspecifiedNamespace = "(unspecified)";

std::string_view namespace_group(const k8s::ObjectRef& ref);

// "namespace 'shop'", or a phrase naming the "(unspecified)" group.
std::string describe_group(std::string_view group);

// The NetworkPolicies of the input by namespace group; points into the inventory.
class PolicyIndex {
 public:
  explicit PolicyIndex(const k8s::Inventory& inventory);
  std::span<const k8s::NetworkPolicyFact* const> in(std::string_view group) const;

 private:
  std::map<std::string, std::vector<const k8s::NetworkPolicyFact*>, std::less<>> by_group_;
};

}  // namespace kg::rules::net
