#include <set>

#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

CheckResult proc_mount_v1_0(const k8s::PodSpecView& pod) {
  CheckFailure f;
  std::vector<std::string> containers;
  std::set<std::string> types;
  for (const auto& c : pod.containers) {
    const doc::Node* proc_mount = field(security_context(c), "procMount");
    if (proc_mount != nullptr && text(proc_mount) != "Default") {
      containers.emplace_back(c.name);
      types.emplace(text(proc_mount));
      f.fields.push_back({c.path + ".securityContext.procMount", proc_mount, &c});
    }
  }
  if (containers.empty()) return std::nullopt;
  std::vector<std::string> type_list(types.begin(), types.end());
  f.reason = "procMount";
  f.detail = fmt::format("{} {} must not set securityContext.procMount to {}",
                         pluralize("container", "containers", containers.size()), join_quote(containers),
                         join_quote(type_list));
  return f;
}

// In a user namespace an unmasked /proc exposes nothing of the host's, so
// baseline allows it from 1.35; restricted keeps the 1.0 rule (procMount_restricted).
CheckResult proc_mount_v1_35_baseline(const k8s::PodSpecView& pod) {
  if (user_namespace_pod(pod)) return std::nullopt;
  return proc_mount_v1_0(pod);
}

}  // namespace kg::pss::checks
