#include "rules/net/namespace_groups.h"

#include <fmt/format.h>

namespace kg::rules::net {

std::string_view namespace_group(const k8s::ObjectRef& ref) {
  return ref.name_space.empty() ? kUnspecifiedNamespace : std::string_view(ref.name_space);
}

std::string describe_group(std::string_view group) {
  if (group == kUnspecifiedNamespace) return "the unspecified namespace (manifests without metadata.namespace)";
  return fmt::format("namespace '{}'", group);
}

PolicyIndex::PolicyIndex(const k8s::Inventory& inventory) {
  for (const auto& policy : inventory.network_policies) {
    auto group = namespace_group(policy.origin.ref);
    auto it = by_group_.find(group);
    if (it == by_group_.end())
      it = by_group_.emplace(std::string(group), std::vector<const k8s::NetworkPolicyFact*>{}).first;
    it->second.push_back(&policy);
  }
}

std::span<const k8s::NetworkPolicyFact* const> PolicyIndex::in(std::string_view group) const {
  auto it = by_group_.find(group);
  if (it == by_group_.end()) return {};
  return it->second;
}

}  // namespace kg::rules::net
