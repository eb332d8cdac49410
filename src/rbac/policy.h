// The RBAC objects of one cluster (or one set of files) ready to answer
// questions: namespaces filled in, roles indexed, aggregated ClusterRoles
// expanded the way the clusterrole-aggregation controller expands them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rbac/objects.h"

namespace kg::rbac {

// One rule as it reaches a role: written in `role` (for an aggregated
// ClusterRole, in one of the roles it aggregates).
struct RuleRef {
  const Role* role = nullptr;
  const PolicyRule* rule = nullptr;
};

class Policy {
 public:
  // Objects that name no namespace get `default_namespace`, as kubectl
  // apply -n would give them; ServiceAccount subjects without one get their
  // RoleBinding's namespace, as the authorizer does.
  static Policy build(Objects objects, std::string_view default_namespace = "default");

  Policy(Policy&&) = default;
  Policy& operator=(Policy&&) = default;

  const std::vector<Role>& roles() const { return objects_.roles; }
  const std::vector<Binding>& bindings() const { return objects_.bindings; }
  const std::vector<ServiceAccount>& service_accounts() const { return objects_.service_accounts; }
  const std::vector<PodAccount>& pods() const { return objects_.pods; }

  // The role a binding refers to; nullptr when it is not in the input (the
  // authorizer then grants nothing through that binding).
  const Role* role_of(const Binding& binding) const;
  // The rules a role grants: its own, or for an aggregated ClusterRole the
  // rules of every ClusterRole its selectors match (its own are replaced).
  const std::vector<RuleRef>& rules_of(const Role& role) const;
  // Bindings whose role grants this role's rules, directly or through aggregation.
  std::vector<const Binding*> bindings_granting(const Role& role) const;

  const ServiceAccount* service_account(std::string_view name_space, std::string_view name) const;
  // Every namespace the input names, sorted.
  const std::vector<std::string>& namespaces() const { return namespaces_; }

 private:
  Policy() = default;
  void expand(size_t index, std::vector<int>& state);

  Objects objects_;
  std::map<std::string, size_t, std::less<>> cluster_roles_;     // name -> index
  std::map<std::string, size_t, std::less<>> roles_;             // "ns/name" -> index
  std::vector<std::vector<RuleRef>> rules_;                      // by role index
  std::vector<std::vector<size_t>> granting_;                    // by role index: binding indexes, in order
  std::map<std::string, size_t, std::less<>> service_accounts_;  // "ns/name" -> index
  std::vector<std::string> namespaces_;
};

}  // namespace kg::rbac
