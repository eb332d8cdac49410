// The RBAC authorizer over a Policy: may this user (with these groups) do
// this? Same decision as the API server's RBAC authorizer, plus the
// system:masters group that the API server allows before RBAC is asked.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rbac/match.h"
#include "rbac/policy.h"

namespace kg::rbac {

// Who is asking, as the authenticator describes them.
struct UserInfo {
  std::string name;
  std::vector<std::string> groups;
};

// A service account authenticates as system:serviceaccount:NS:NAME in the
// groups system:serviceaccounts, system:serviceaccounts:NS and system:authenticated.
UserInfo service_account_user(std::string_view name_space, std::string_view name);
// A named user after authentication (group system:authenticated).
UserInfo authenticated_user(std::string_view name);

// Why a request is allowed: the binding, the subject in it and the rule.
struct Grant {
  const Binding* binding = nullptr;  // null: allowed as a member of system:masters
  const Subject* subject = nullptr;
  RuleRef rule;
};

// Whether `subject` of a binding in `binding_namespace` ("" for a
// ClusterRoleBinding) is this user.
bool applies_to(const Subject& subject, const UserInfo& user, std::string_view binding_namespace);

std::optional<Grant> authorize(const Policy& policy, const UserInfo& user, const Attributes& attributes);

// The bindings with a subject that is this user, in policy order, each with
// that subject. Asking many questions for one user (injection paths over
// every namespace) is then linear in the user's bindings, not in all of them.
struct UserBinding {
  const Binding* binding = nullptr;
  const Subject* subject = nullptr;
};
std::vector<UserBinding> bindings_of(const Policy& policy, const UserInfo& user);
// authorize() over bindings_of(policy, user) computed once.
std::optional<Grant> authorize(const Policy& policy, const UserInfo& user, std::span<const UserBinding> bindings,
                               const Attributes& attributes);

// Every (binding, subject, rule) that allows the request: ClusterRoleBindings,
// and the RoleBindings of the request's namespace, or of every namespace when
// `all_namespaces` is set.
std::vector<Grant> who_can(const Policy& policy, const Attributes& attributes, bool all_namespaces);

// The namespace a subject stands for in a binding ("" for users and groups).
std::string subject_namespace(const Subject& subject, const Binding& binding);
// "ServiceAccount ns/name", "User alice", "Group devs".
std::string describe_subject(const Subject& subject, const Binding& binding);

}  // namespace kg::rbac
