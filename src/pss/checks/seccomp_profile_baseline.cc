#include <set>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/checks/seccomp.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

namespace {

constexpr std::string_view kPodAnnotation = "seccomp.security.alpha.kubernetes.io/pod";
constexpr std::string_view kContainerAnnotationPrefix = "container.seccomp.security.alpha.kubernetes.io/";

bool valid_annotation_value(std::string_view value) {
  return value == "runtime/default" || value == "docker/default" || value.starts_with("localhost/");
}

// The pod's annotations by key, read once: every container asks for its own.
std::unordered_map<std::string_view, const doc::Node*> annotation_map(const k8s::PodSpecView& pod) {
  std::unordered_map<std::string_view, const doc::Node*> out;
  for (const auto& [key, value] : annotations(pod)) out.emplace(key, value);
  return out;
}

}  // namespace

// Before 1.19 seccomp was set through alpha annotations only.
CheckResult seccomp_profile_baseline_v1_0(const k8s::PodSpecView& pod) {
  CheckFailure f;
  std::set<std::string> forbidden;
  std::unordered_map<std::string_view, const doc::Node*> by_key = annotation_map(pod);
  auto inspect = [&](std::string key) {
    auto it = by_key.find(key);
    const doc::Node* value = it == by_key.end() ? nullptr : it->second;
    if (value != nullptr && !valid_annotation_value(text(value))) {
      if (forbidden.insert(fmt::format("{}={}", key, go_quote(text(value)))).second) {
        f.fields.push_back({annotation_path(pod, key), value});
      }
    }
  };
  inspect(std::string(kPodAnnotation));
  for (const auto& c : pod.containers) inspect(std::string(kContainerAnnotationPrefix) + std::string(c.name));
  if (forbidden.empty()) return std::nullopt;
  std::vector<std::string> list(forbidden.begin(), forbidden.end());
  f.reason = "seccompProfile";
  f.detail = fmt::format("forbidden {} {}", pluralize("annotation", "annotations", list.size()), join(list, ", "));
  return f;
}

CheckResult seccomp_profile_baseline_v1_19(const k8s::PodSpecView& pod) {
  CheckFailure f;
  std::set<std::string> bad_values;
  bool pod_bad = false;
  if (const doc::Node* profile = field(pod_security_context(pod), "seccompProfile")) {
    if (!valid_seccomp_type(text(profile->get("type")))) {
      pod_bad = true;
      bad_values.emplace(text(profile->get("type")));
      f.fields.push_back({pod.field_path("securityContext.seccompProfile.type"), seccomp_type_node(*profile)});
    }
  }
  std::vector<std::string> containers;
  for (const auto& c : pod.containers) {
    const doc::Node* profile = field(security_context(c), "seccompProfile");
    if (profile != nullptr && !valid_seccomp_type(text(profile->get("type")))) {
      containers.emplace_back(c.name);
      bad_values.emplace(text(profile->get("type")));
      f.fields.push_back({c.path + ".securityContext.seccompProfile.type", seccomp_type_node(*profile), &c});
    }
  }
  if (!pod_bad && containers.empty()) return std::nullopt;
  std::vector<std::string> values(bad_values.begin(), bad_values.end());
  f.reason = "seccompProfile";
  f.detail = fmt::format("{} must not set securityContext.seccompProfile.type to {}", setters(pod_bad, containers),
                         join_quote(values));
  return f;
}

}  // namespace kg::pss::checks
