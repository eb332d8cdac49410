#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

namespace {

constexpr std::string_view kAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/";

bool allowed_type(std::string_view type) { return type == "RuntimeDefault" || type == "Localhost"; }

bool allowed_annotation_value(std::string_view value) {
  return value.empty() || value == "runtime/default" || value.starts_with("localhost/");
}

// The profile set, if any; its type (absent means "") must be allowed.
const doc::Node* bad_profile(const doc::Node* security_context, std::set<std::string>& bad_types, std::string& where) {
  const doc::Node* profile = field(security_context, "appArmorProfile");
  if (profile == nullptr) return nullptr;
  const doc::Node* type = profile->get("type");
  if (allowed_type(text(type))) return nullptr;
  bad_types.emplace(text(type));
  where += ".securityContext.appArmorProfile.type";
  return type != nullptr ? type : profile;
}

}  // namespace

// Upstream patched the field check into its 1.0 function when the fields
// arrived (1.30), so it applies at every policy version.
CheckResult app_armor_profile_v1_0(const k8s::PodSpecView& pod) {
  CheckFailure f;
  std::set<std::string> bad_types;
  std::vector<std::string> setter_parts;

  std::string pod_where = pod.path;
  if (const doc::Node* at = bad_profile(pod_security_context(pod), bad_types, pod_where)) {
    setter_parts.emplace_back("pod");
    f.fields.push_back({pod_where, at});
  }
  std::vector<std::string> containers;
  for (const auto& c : pod.containers) {
    std::string where = c.path;
    if (const doc::Node* at = bad_profile(security_context(c), bad_types, where)) {
      containers.emplace_back(c.name);
      f.fields.push_back({where, at, &c});
    }
  }
  if (!containers.empty()) {
    setter_parts.push_back(
        fmt::format("{} {}", pluralize("container", "containers", containers.size()), join_quote(containers)));
  }

  std::vector<std::string> bad_values(bad_types.begin(), bad_types.end());
  std::vector<std::string> forbidden_annotations;
  for (const auto& [key, value] : annotations(pod)) {
    if (key.starts_with(kAnnotationPrefix) && !allowed_annotation_value(text(value))) {
      forbidden_annotations.push_back(fmt::format("{}={}", key, go_quote(text(value))));
      f.fields.push_back({annotation_path(pod, key), value});
    }
  }
  if (!forbidden_annotations.empty()) {
    std::sort(forbidden_annotations.begin(), forbidden_annotations.end());
    bad_values.insert(bad_values.end(), forbidden_annotations.begin(), forbidden_annotations.end());
    setter_parts.emplace_back(pluralize("annotation", "annotations", forbidden_annotations.size()));
  }

  if (setter_parts.empty()) return std::nullopt;
  f.reason = pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", bad_values.size());
  f.detail =
      fmt::format("{} must not set AppArmor profile type to {}", join(setter_parts, " and "), join_quote(bad_values));
  return f;
}

}  // namespace kg::pss::checks
