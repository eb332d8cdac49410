#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

CheckResult privileged_v1_0(const k8s::PodSpecView& pod) {
  CheckFailure f;
  std::vector<std::string> containers;
  for (const auto& c : pod.containers) {
    const doc::Node* value = field(security_context(c), "privileged");
    if (is_true(value)) {
      containers.emplace_back(c.name);
      f.fields.push_back({c.path + ".securityContext.privileged", value, &c});
    }
  }
  if (containers.empty()) return std::nullopt;
  f.reason = "privileged";
  f.detail = fmt::format("{} {} must not set securityContext.privileged=true",
                         pluralize("container", "containers", containers.size()), join_quote(containers));
  return f;
}

}  // namespace kg::pss::checks
