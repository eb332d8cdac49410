#include "rbac/attack_paths.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kg::rbac {

bool token_mounted(const Policy& policy, const PodAccount& pod) {
  if (pod.automount) return *pod.automount;
  const ServiceAccount* sa = policy.service_account(pod.name_space, pod.service_account);
  if (sa != nullptr && sa->automount) return *sa->automount;
  return true;
}

std::vector<AttackPath> attack_paths(const Policy& policy, std::string_view name_space) {
  std::vector<AttackPath> out;
  // Many pods share an account: ask once per account.
  std::map<std::pair<std::string, std::string>, std::vector<PathReach>> by_account;
  for (const auto& pod : policy.pods()) {
    if (!name_space.empty() && pod.name_space != name_space) continue;
    if (!token_mounted(policy, pod)) continue;
    auto key = std::make_pair(pod.name_space, pod.service_account);
    auto it = by_account.find(key);
    if (it == by_account.end()) {
      UserInfo user = service_account_user(pod.name_space, pod.service_account);
      it = by_account.emplace(key, inject_reach(policy, user, "")).first;
    }
    if (it->second.empty()) continue;
    AttackPath path;
    path.pod = &pod;
    path.account = principal_of(SubjectKind::ServiceAccount, pod.service_account, pod.name_space);
    path.reaches = it->second;
    std::set<std::string> namespaces;
    for (const auto& r : path.reaches) {
      path.all_namespaces |= r.all_namespaces;
      namespaces.insert(r.namespaces.begin(), r.namespaces.end());
    }
    if (!path.all_namespaces) path.namespaces.assign(namespaces.begin(), namespaces.end());
    for (const auto& target : policy.pods()) {
      if (path.all_namespaces || namespaces.count(target.name_space) != 0) path.targets.push_back(&target);
    }
    out.push_back(std::move(path));
  }
  return out;
}

std::string pod_display(const PodAccount& pod) {
  return fmt::format("{} {}/{}", pod.origin.ref.kind, pod.name_space, pod.origin.ref.name);
}

std::string describe(const AttackPath& path) {
  std::vector<std::string_view> how;
  for (const auto& r : path.reaches) how.push_back(path_def(r.path).name);
  std::string where = path.all_namespaces ? std::string("every namespace")
                                          : fmt::format("namespace(s) {}", fmt::join(path.namespaces, ", "));
  return fmt::format(
      "compromise of {} (token of {} mounted) lets an attacker inject into {} workload(s) of the input in {} "
      "(by {})",
      pod_display(*path.pod), path.account.display(), path.targets.size(), where, fmt::join(how, ", "));
}

}  // namespace kg::rbac
