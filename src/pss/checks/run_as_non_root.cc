#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

CheckResult run_as_non_root_v1_0(const k8s::PodSpecView& pod) {
  CheckFailure f;
  bool pod_bad = false;
  bool pod_non_root = false;
  const doc::Node* pod_sc = pod_security_context(pod);
  if (const doc::Node* value = field(pod_sc, "runAsNonRoot")) {
    if (is_true(value)) {
      pod_non_root = true;
    } else {
      pod_bad = true;
      f.fields.push_back({pod.field_path("securityContext.runAsNonRoot"), value});
    }
  }
  std::vector<std::string> explicit_bad;  // set runAsNonRoot=false
  std::vector<std::string> implicit_bad;  // left it unset with no pod-level true to inherit
  std::vector<Field> implicit_fields;
  for (const auto& c : pod.containers) {
    const doc::Node* sc = security_context(c);
    if (const doc::Node* value = field(sc, "runAsNonRoot")) {
      if (!is_true(value)) {
        explicit_bad.emplace_back(c.name);
        f.fields.push_back({c.path + ".securityContext.runAsNonRoot", value, &c});
      }
    } else if (!pod_non_root) {
      implicit_bad.emplace_back(c.name);
      implicit_fields.push_back({c.path + ".securityContext.runAsNonRoot", sc != nullptr ? sc : c.node, &c});
    }
  }
  f.reason = "runAsNonRoot != true";
  if (pod_bad || !explicit_bad.empty()) {
    f.detail = fmt::format("{} must not set securityContext.runAsNonRoot=false", setters(pod_bad, explicit_bad));
    return f;
  }
  if (!implicit_bad.empty()) {
    f.detail = fmt::format("pod or {} {} must set securityContext.runAsNonRoot=true",
                           pluralize("container", "containers", implicit_bad.size()), join_quote(implicit_bad));
    f.fields = std::move(implicit_fields);
    return f;
  }
  return std::nullopt;
}

// KEP-127: root in a user namespace maps to an unprivileged host user.
CheckResult run_as_non_root_v1_35(const k8s::PodSpecView& pod) {
  if (user_namespace_pod(pod)) return std::nullopt;
  return run_as_non_root_v1_0(pod);
}

}  // namespace kg::pss::checks
