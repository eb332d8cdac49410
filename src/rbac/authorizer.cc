#include "rbac/authorizer.h"

#include <algorithm>

#include <fmt/format.h>

namespace kg::rbac {
namespace {

constexpr std::string_view kServiceAccountPrefix = "system:serviceaccount:";
constexpr std::string_view kMasters = "system:masters";

bool in_scope(const Binding& binding, std::string_view name_space, bool all_namespaces) {
  return binding.cluster || all_namespaces || (!name_space.empty() && binding.name_space == name_space);
}

const PolicyRule* first_allowing(const Policy& policy, const Binding& binding, const Attributes& attributes,
                                 RuleRef* out) {
  const Role* role = policy.role_of(binding);
  if (role == nullptr) return nullptr;
  for (const auto& r : policy.rules_of(*role)) {
    if (rule_allows(*r.rule, attributes)) {
      *out = r;
      return r.rule;
    }
  }
  return nullptr;
}

}  // namespace

UserInfo service_account_user(std::string_view name_space, std::string_view name) {
  return UserInfo{
      fmt::format("{}{}:{}", kServiceAccountPrefix, name_space, name),
      {"system:serviceaccounts", fmt::format("system:serviceaccounts:{}", name_space), "system:authenticated"}};
}

UserInfo authenticated_user(std::string_view name) { return UserInfo{std::string(name), {"system:authenticated"}}; }

bool applies_to(const Subject& subject, const UserInfo& user, std::string_view binding_namespace) {
  switch (subject.kind) {
    case SubjectKind::User: return user.name == subject.name;
    case SubjectKind::Group:
      return std::find(user.groups.begin(), user.groups.end(), subject.name) != user.groups.end();
    case SubjectKind::ServiceAccount: {
      std::string_view ns = subject.name_space.empty() ? binding_namespace : std::string_view(subject.name_space);
      if (ns.empty()) return false;
      // "system:serviceaccount:NS:NAME", compared piece by piece: this runs
      // for every subject of every binding on every question.
      std::string_view name = user.name;
      if (!name.starts_with(kServiceAccountPrefix)) return false;
      name.remove_prefix(std::string_view(kServiceAccountPrefix).size());
      return name.size() == ns.size() + 1 + subject.name.size() && name.starts_with(ns) && name[ns.size()] == ':' &&
             name.substr(ns.size() + 1) == subject.name;
    }
  }
  return false;
}

std::vector<UserBinding> bindings_of(const Policy& policy, const UserInfo& user) {
  std::vector<UserBinding> out;
  for (const auto& b : policy.bindings()) {
    for (const auto& s : b.subjects) {
      if (applies_to(s, user, b.cluster ? std::string_view() : std::string_view(b.name_space))) {
        out.push_back(UserBinding{&b, &s});
        break;
      }
    }
  }
  return out;
}

std::optional<Grant> authorize(const Policy& policy, const UserInfo& user, std::span<const UserBinding> bindings,
                               const Attributes& attributes) {
  if (std::find(user.groups.begin(), user.groups.end(), kMasters) != user.groups.end()) return Grant{};
  // ClusterRoleBindings first, then the RoleBindings of the request's
  // namespace: the order the authorizer visits them in (the answer does not
  // depend on it, the reported grant does).
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& [b, who] : bindings) {
      if (pass == 0 ? !b->cluster
                    : (b->cluster || attributes.name_space.empty() || b->name_space != attributes.name_space)) {
        continue;
      }
      RuleRef rule;
      if (first_allowing(policy, *b, attributes, &rule) != nullptr) return Grant{b, who, rule};
    }
  }
  return std::nullopt;
}

std::optional<Grant> authorize(const Policy& policy, const UserInfo& user, const Attributes& attributes) {
  return authorize(policy, user, bindings_of(policy, user), attributes);
}

std::vector<Grant> who_can(const Policy& policy, const Attributes& attributes, bool all_namespaces) {
  std::vector<Grant> out;
  for (const auto& b : policy.bindings()) {
    if (!in_scope(b, attributes.name_space, all_namespaces)) continue;
    // Non-resource URLs have no namespace: only ClusterRoleBindings reach them.
    if (!attributes.resource_request && !b.cluster) continue;
    RuleRef rule;
    if (first_allowing(policy, b, attributes, &rule) == nullptr) continue;
    for (const auto& s : b.subjects) {
      // A ClusterRoleBinding's ServiceAccount without a namespace is nobody.
      if (s.kind == SubjectKind::ServiceAccount && subject_namespace(s, b).empty()) continue;
      out.push_back(Grant{&b, &s, rule});
    }
  }
  return out;
}

std::string subject_namespace(const Subject& subject, const Binding& binding) {
  if (subject.kind != SubjectKind::ServiceAccount) return {};
  if (!subject.name_space.empty()) return subject.name_space;
  return binding.cluster ? std::string() : binding.name_space;
}

std::string describe_subject(const Subject& subject, const Binding& binding) {
  if (subject.kind == SubjectKind::ServiceAccount) {
    return fmt::format("ServiceAccount {}/{}", subject_namespace(subject, binding), subject.name);
  }
  return fmt::format("{} {}", subject_kind_name(subject.kind), subject.name);
}

}  // namespace kg::rbac
