#include <set>

#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/checks/seccomp.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

CheckResult seccomp_profile_restricted_v1_19(const k8s::PodSpecView& pod) {
  CheckFailure f;
  std::set<std::string> bad_values;
  bool pod_bad = false;
  bool pod_set = false;
  if (const doc::Node* profile = field(pod_security_context(pod), "seccompProfile")) {
    if (valid_seccomp_type(text(profile->get("type")))) {
      pod_set = true;
    } else {
      pod_bad = true;
      bad_values.emplace(text(profile->get("type")));
      f.fields.push_back({pod.field_path("securityContext.seccompProfile.type"), seccomp_type_node(*profile)});
    }
  }
  std::vector<std::string> explicit_bad;
  std::vector<std::string> implicit_bad;
  std::vector<Field> implicit_fields;
  for (const auto& c : pod.containers) {
    const doc::Node* sc = security_context(c);
    if (const doc::Node* profile = field(sc, "seccompProfile")) {
      if (!valid_seccomp_type(text(profile->get("type")))) {
        explicit_bad.emplace_back(c.name);
        bad_values.emplace(text(profile->get("type")));
        f.fields.push_back({c.path + ".securityContext.seccompProfile.type", seccomp_type_node(*profile), &c});
      }
    } else if (!pod_set) {
      implicit_bad.emplace_back(c.name);
      implicit_fields.push_back({c.path + ".securityContext.seccompProfile", sc != nullptr ? sc : c.node, &c});
    }
  }
  f.reason = "seccompProfile";
  if (pod_bad || !explicit_bad.empty()) {
    std::vector<std::string> values(bad_values.begin(), bad_values.end());
    f.detail = fmt::format("{} must not set securityContext.seccompProfile.type to {}", setters(pod_bad, explicit_bad),
                           join_quote(values));
    return f;
  }
  if (!implicit_bad.empty()) {
    f.detail =
        fmt::format(R"(pod or {} {} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")",
                    pluralize("container", "containers", implicit_bad.size()), join_quote(implicit_bad));
    f.fields = std::move(implicit_fields);
    return f;
  }
  return std::nullopt;
}

// API validation forbids seccomp fields on Windows pods, so they pass without one.
CheckResult seccomp_profile_restricted_v1_25(const k8s::PodSpecView& pod) {
  if (windows_pod(pod)) return std::nullopt;
  return seccomp_profile_restricted_v1_19(pod);
}

}  // namespace kg::pss::checks
