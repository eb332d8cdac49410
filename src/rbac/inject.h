// Every way a subject can put its own code into a pod, as RBAC permissions:
// write a workload or pod, create one, add an ephemeral container, exec or
// attach, register a mutating webhook, or get there by escalate, bind,
// impersonate or by reading every secret of the cluster (service-account
// tokens of other accounts, credentials). Answers "who can inject here?" over a Policy.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rbac/authorizer.h"

namespace kg::rbac {

enum class InjectPath : uint8_t {
  WorkloadWrite,        // patch/update pods or their controllers: a sidecar in the template
  PodCreate,            // create pods or controllers, with any container and service account
  EphemeralContainers,  // add a debug container to a running pod
  Exec,                 // run a process in an existing container
  Attach,               // the container's own stdin
  MutatingWebhook,      // every new pod passes through the webhook's mutation
  Escalate,             // write a role with more than one holds, then use it
  Bind,                 // bind any role, cluster-admin included
  Impersonate,          // act as any user, group or service account
  SecretsRead,          // read the secrets of every namespace: other accounts' tokens, then their paths
};

// One permission: verb on group/resource[/sub]. `cluster` for cluster-scoped resources.
struct Need {
  std::string_view verb;
  std::string_view group;
  std::string_view resource;
  bool cluster = false;
};

struct InjectPathDef {
  InjectPath id;
  std::string_view name;  // "workload-write"
  std::string_view description;
  bool direct;  // false: the path leads to injection through another permission
  // Every group must be met by at least one of its needs.
  std::vector<std::vector<Need>> all_of;
};

std::span<const InjectPathDef> inject_paths();

Attributes attributes_of(const Need& need, std::string_view name_space);

// Who a subject stands for when the authorizer is asked.
struct Principal {
  SubjectKind kind = SubjectKind::User;
  std::string name;
  std::string name_space;  // service accounts
  UserInfo user;

  std::string display() const;  // "ServiceAccount ns/name"
  bool operator<(const Principal& o) const;
};

Principal principal_of(SubjectKind kind, std::string_view name, std::string_view name_space);

// Every subject named by a binding, every service account and every
// account a pod runs as, once each.
std::vector<Principal> principals(const Policy& policy);

// A namespace name no RoleBinding can carry: asking there shows what
// ClusterRoleBindings alone allow, in every namespace.
inline constexpr std::string_view kAnyNamespace = "*";

struct PathReach {
  InjectPath path;
  bool all_namespaces = false;          // through a ClusterRoleBinding (or a cluster-scoped resource)
  std::vector<std::string> namespaces;  // otherwise: where
  Need example;                         // one permission that makes the path hold
  std::optional<Grant> grant;           // why (for all_namespaces, or the first namespace)
};

struct InjectorAnswer {
  Principal principal;
  std::vector<PathReach> reaches;
};

// `name_space` "": every namespace of the policy (and "all namespaces"
// through ClusterRoleBindings); else only that namespace.
std::vector<InjectorAnswer> who_can_inject(const Policy& policy, std::string_view name_space);
// The paths one principal has, same meaning of `name_space`.
std::vector<PathReach> inject_reach(const Policy& policy, const UserInfo& user, std::string_view name_space);

const InjectPathDef& path_def(InjectPath path);

}  // namespace kg::rbac
