#include "rules/net/namespace_groups.h"

#include <algorithm>

#include <fmt/format.h>

namespace kg::rules::net {

std::string_view namespace_group(const k8s::ObjectRef& ref) {
  return ref.name_space.empty() ? kUnspecifiedNamespace : std::string_view(ref.name_space);
}

std::string describe_group(std::string_view group) {
  if (group == kUnspecifiedNamespace) return "the unspecified namespace (manifests without metadata.namespace)";
  return fmt::format("namespace '{}'", group);
}

bool cluster_wide(const rules::NetworkPolicyFact& policy) {
  return policy.origin.ref.kind == "CiliumClusterwideNetworkPolicy";
}

PolicyIndex::PolicyIndex(const rules::Inventory& inventory) {
  for (const auto& policy : inventory.network_policies) {
    if (cluster_wide(policy)) {
      add(cluster_wide_, policy);
      continue;
    }
    auto group = namespace_group(policy.origin.ref);
    auto it = by_group_.find(group);
    if (it == by_group_.end()) it = by_group_.emplace(std::string(group), Group{}).first;
    add(it->second, policy);
  }
}

void PolicyIndex::add(Group& group, const rules::NetworkPolicyFact& policy) {
  group.all.push_back(&policy);
  const auto& required = policy.pod_selector.match_labels;
  if (required.empty()) {
    group.unkeyed.push_back(&policy);
    return;
  }
  const auto& [key, value] = *required.begin();
  group.by_label[key + "=" + value].push_back(&policy);
}

void PolicyIndex::collect(const Group& group, const k8s::Labels& labels,
                          std::vector<const rules::NetworkPolicyFact*>& out) const {
  size_t first = out.size();
  for (const auto* p : group.unkeyed) {
    if (p->pod_selector.matches(labels)) out.push_back(p);
  }
  std::string pair;
  for (const auto& [key, value] : labels) {
    pair.assign(key).append("=").append(value);
    auto it = group.by_label.find(pair);
    if (it == group.by_label.end()) continue;
    for (const auto* p : it->second) {
      if (p->pod_selector.matches(labels)) out.push_back(p);
    }
  }
  // Each policy sits in one list, so none is found twice; the input's order
  // keeps messages and evidence stable.
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

size_t PolicyIndex::count(std::string_view group) const {
  size_t n = cluster_wide_.all.size();
  if (auto it = by_group_.find(group); it != by_group_.end()) n += it->second.all.size();
  return n;
}

std::vector<const rules::NetworkPolicyFact*> PolicyIndex::selecting(std::string_view group,
                                                                    const k8s::Labels& labels) const {
  std::vector<const rules::NetworkPolicyFact*> out;
  collect(cluster_wide_, labels, out);
  if (auto it = by_group_.find(group); it != by_group_.end()) collect(it->second, labels, out);
  return out;
}

}  // namespace kg::rules::net
