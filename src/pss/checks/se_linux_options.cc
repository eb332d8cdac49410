#include <algorithm>
#include <array>
#include <set>
#include <span>

#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

namespace {

constexpr std::array<std::string_view, 4> kTypes1_0 = {"", "container_t", "container_init_t", "container_kvm_t"};
constexpr std::array<std::string_view, 5> kTypes1_31 = {"", "container_t", "container_init_t", "container_kvm_t",
                                                        "container_engine_t"};

struct Findings {
  std::set<std::string> bad_types;
  bool set_user = false;
  bool set_role = false;
};

bool valid(const doc::Node& options, std::span<const std::string_view> allowed, Findings& found) {
  bool ok = true;
  std::string_view type = text(options.get("type"));
  if (std::find(allowed.begin(), allowed.end(), type) == allowed.end()) {
    ok = false;
    found.bad_types.emplace(type);
  }
  if (!text(options.get("user")).empty()) {
    ok = false;
    found.set_user = true;
  }
  if (!text(options.get("role")).empty()) {
    ok = false;
    found.set_role = true;
  }
  return ok;
}

CheckResult check(const k8s::PodSpecView& pod, std::span<const std::string_view> allowed) {
  CheckFailure f;
  Findings found;
  bool pod_bad = false;
  if (const doc::Node* options = field(pod_security_context(pod), "seLinuxOptions")) {
    if (!valid(*options, allowed, found)) {
      pod_bad = true;
      f.fields.push_back({pod.field_path("securityContext.seLinuxOptions"), options});
    }
  }
  std::vector<std::string> containers;
  for (const auto& c : pod.containers) {
    const doc::Node* options = field(security_context(c), "seLinuxOptions");
    if (options != nullptr && !valid(*options, allowed, found)) {
      containers.emplace_back(c.name);
      f.fields.push_back({c.path + ".securityContext.seLinuxOptions", options, &c});
    }
  }
  if (!pod_bad && containers.empty()) return std::nullopt;
  std::vector<std::string> data;
  if (!found.bad_types.empty()) {
    std::vector<std::string> types(found.bad_types.begin(), found.bad_types.end());
    data.push_back(fmt::format("{} {}", pluralize("type", "types", types.size()), join_quote(types)));
  }
  if (found.set_user) data.emplace_back("user may not be set");
  if (found.set_role) data.emplace_back("role may not be set");
  f.reason = "seLinuxOptions";
  f.detail = fmt::format("{} set forbidden securityContext.seLinuxOptions: {}", setters(pod_bad, containers),
                         join(data, "; "));
  return f;
}

}  // namespace

CheckResult se_linux_options_v1_0(const k8s::PodSpecView& pod) { return check(pod, kTypes1_0); }
CheckResult se_linux_options_v1_31(const k8s::PodSpecView& pod) { return check(pod, kTypes1_31); }

}  // namespace kg::pss::checks
