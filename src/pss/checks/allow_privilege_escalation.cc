#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

// Unset counts as allowed: the runtime default lets setuid binaries escalate.
CheckResult allow_privilege_escalation_v1_8(const k8s::PodSpecView& pod) {
  CheckFailure f;
  std::vector<std::string> containers;
  for (const auto& c : pod.containers) {
    const doc::Node* sc = security_context(c);
    const doc::Node* value = field(sc, "allowPrivilegeEscalation");
    if (value == nullptr || !is_false(value)) {
      containers.emplace_back(c.name);
      const doc::Node* at = value != nullptr ? value : (sc != nullptr ? sc : c.node);
      f.fields.push_back({c.path + ".securityContext.allowPrivilegeEscalation", at, &c});
    }
  }
  if (containers.empty()) return std::nullopt;
  f.reason = "allowPrivilegeEscalation != false";
  f.detail = fmt::format("{} {} must set securityContext.allowPrivilegeEscalation=false",
                         pluralize("container", "containers", containers.size()), join_quote(containers));
  return f;
}

// Windows has no such field (API validation forbids it there), so Windows pods pass.
CheckResult allow_privilege_escalation_v1_25(const k8s::PodSpecView& pod) {
  if (windows_pod(pod)) return std::nullopt;
  return allow_privilege_escalation_v1_8(pod);
}

}  // namespace kg::pss::checks
