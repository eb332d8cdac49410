// Attack paths: pods that carry their service account's token and whose
// account can inject. "Compromise of pod X lets an attacker inject into N
// workloads in namespaces ...".
#pragma once

#include <string>
#include <vector>

#include "rbac/inject.h"

namespace kg::rbac {

// Whether the token is mounted: the pod's automountServiceAccountToken when
// set, else the service account's, else true (the API server's default).
bool token_mounted(const Policy& policy, const PodAccount& pod);

struct AttackPath {
  const PodAccount* pod = nullptr;
  Principal account;
  std::vector<PathReach> reaches;
  bool all_namespaces = false;             // some path reaches every namespace
  std::vector<std::string> namespaces;     // where, when not all
  std::vector<const PodAccount*> targets;  // workloads of the input in reach
};

// `name_space` "": pods of every namespace; else of that one.
std::vector<AttackPath> attack_paths(const Policy& policy, std::string_view name_space);

// "Deployment ns/name", with the namespace the model gave it.
std::string pod_display(const PodAccount& pod);

// "compromise of Deployment argocd/argocd-server lets an attacker inject into 12 workloads in namespaces a, b".
std::string describe(const AttackPath& path);

}  // namespace kg::rbac
