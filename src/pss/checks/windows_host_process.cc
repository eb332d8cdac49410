#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

CheckResult windows_host_process_v1_0(const k8s::PodSpecView& pod) {
  CheckFailure f;
  std::vector<std::string> containers;
  for (const auto& c : pod.containers) {
    const doc::Node* host_process = field(field(security_context(c), "windowsOptions"), "hostProcess");
    if (is_true(host_process)) {
      containers.emplace_back(c.name);
      f.fields.push_back({c.path + ".securityContext.windowsOptions.hostProcess", host_process, &c});
    }
  }
  const doc::Node* pod_host_process = field(field(pod_security_context(pod), "windowsOptions"), "hostProcess");
  bool pod_bad = is_true(pod_host_process);
  if (pod_bad) {
    f.fields.insert(f.fields.begin(),
                    Field{pod.field_path("securityContext.windowsOptions.hostProcess"), pod_host_process});
  }
  if (!pod_bad && containers.empty()) return std::nullopt;
  f.reason = "hostProcess";
  f.detail =
      fmt::format("{} must not set securityContext.windowsOptions.hostProcess=true", setters(pod_bad, containers));
  return f;
}

}  // namespace kg::pss::checks
