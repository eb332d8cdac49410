#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

namespace {

bool is_root(const doc::Node* run_as_user) {
  return run_as_user != nullptr && run_as_user->as_int().has_value() && *run_as_user->as_int() == 0;
}

}  // namespace

CheckResult run_as_user_v1_23(const k8s::PodSpecView& pod) {
  CheckFailure f;
  const doc::Node* pod_value = field(pod_security_context(pod), "runAsUser");
  bool pod_bad = is_root(pod_value);
  if (pod_bad) f.fields.push_back({pod.field_path("securityContext.runAsUser"), pod_value});
  std::vector<std::string> containers;
  for (const auto& c : pod.containers) {
    const doc::Node* value = field(security_context(c), "runAsUser");
    if (is_root(value)) {
      containers.emplace_back(c.name);
      f.fields.push_back({c.path + ".securityContext.runAsUser", value, &c});
    }
  }
  if (!pod_bad && containers.empty()) return std::nullopt;
  f.reason = "runAsUser=0";
  f.detail = fmt::format("{} must not set runAsUser=0", setters(pod_bad, containers));
  return f;
}

// KEP-127: uid 0 in a user namespace is not root on the host.
CheckResult run_as_user_v1_35(const k8s::PodSpecView& pod) {
  if (user_namespace_pod(pod)) return std::nullopt;
  return run_as_user_v1_23(pod);
}

}  // namespace kg::pss::checks
