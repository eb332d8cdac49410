// RBAC objects as values: Roles, ClusterRoles, their bindings, service
// accounts and the accounts pods run as. Read once from documents or from the
// API server; the documents may be gone when the model is evaluated.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "k8s/origin.h"
#include "k8s/selector.h"

namespace kg::rbac {

// One entry of a role's rules, with where it was written.
struct PolicyRule {
  std::vector<std::string> verbs;
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;  // "res", "res/sub", "*", "*/sub"
  std::vector<std::string> resource_names;
  std::vector<std::string> non_resource_urls;  // a trailing "*" is a prefix match
  k8s::Origin origin;                          // the role's, pointing at this entry ("rules[2]")
};

struct Role {
  k8s::Origin origin;
  bool cluster = false;  // ClusterRole
  std::string name_space;
  std::string name;
  k8s::Labels labels;
  std::vector<PolicyRule> rules;
  // ClusterRoles only: the controller replaces `rules` with the union of the
  // rules of every ClusterRole one of these selectors matches.
  bool aggregated = false;
  std::vector<k8s::LabelSelector> aggregation;
  bool bootstrap = false;  // one of Kubernetes' own defaults (see is_bootstrap)
};

enum class SubjectKind : uint8_t { User, Group, ServiceAccount };

struct Subject {
  SubjectKind kind = SubjectKind::User;
  std::string name;
  std::string name_space;  // ServiceAccount only; "" means the binding's namespace
  k8s::Origin origin;      // the binding's, pointing at this subject ("subjects[0]")
};

struct Binding {
  k8s::Origin origin;
  bool cluster = false;  // ClusterRoleBinding
  std::string name_space;
  std::string name;
  bool role_is_cluster = true;  // roleRef.kind ClusterRole (else Role, in the binding's namespace)
  std::string role_name;
  k8s::Origin role_ref_origin;  // the binding's, pointing at roleRef
  std::vector<Subject> subjects;
  bool bootstrap = false;
};

struct ServiceAccount {
  k8s::Origin origin;
  std::string name_space;
  std::string name;
  std::optional<bool> automount;  // automountServiceAccountToken
};

// A pod, or the pods a workload creates from its template.
struct PodAccount {
  k8s::Origin origin;
  std::string name_space;
  std::string service_account;  // "default" when the spec names none
  std::optional<bool> automount;
  // origin points at serviceAccountName when written, else at the pod spec.
};

// A field that could not be read; the rest of the object still counts.
struct Issue {
  std::string file;
  doc::Mark mark;
  std::string message;  // names the object and the field
};

struct Objects {
  std::vector<Role> roles;
  std::vector<Binding> bindings;
  std::vector<ServiceAccount> service_accounts;
  std::vector<PodAccount> pods;
  std::vector<Issue> issues;

  bool empty() const { return roles.empty() && bindings.empty(); }
  void merge(Objects&& other);
};

std::string_view subject_kind_name(SubjectKind kind);

}  // namespace kg::rbac
