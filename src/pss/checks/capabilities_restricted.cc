#include <set>

#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

CheckResult capabilities_restricted_v1_22(const k8s::PodSpecView& pod) {
  CheckFailure f;
  std::vector<std::string> missing_drop_all;
  std::vector<std::string> adding_forbidden;
  std::set<std::string> forbidden;
  for (const auto& c : pod.containers) {
    const doc::Node* sc = security_context(c);
    const doc::Node* caps = field(sc, "capabilities");
    if (caps == nullptr) {
      missing_drop_all.emplace_back(c.name);
      f.fields.push_back({c.path + ".securityContext.capabilities.drop", sc != nullptr ? sc : c.node, &c});
      continue;
    }
    const doc::Node* drop = field(caps, "drop");
    bool dropped_all = false;
    if (drop != nullptr && drop->is_sequence()) {
      for (const auto& d : drop->items()) dropped_all = dropped_all || text(&d) == "ALL";
    }
    if (!dropped_all) {
      missing_drop_all.emplace_back(c.name);
      f.fields.push_back({c.path + ".securityContext.capabilities.drop", drop != nullptr ? drop : caps, &c});
    }
    const doc::Node* add = field(caps, "add");
    bool bad_add = false;
    if (add != nullptr && add->is_sequence()) {
      size_t i = 0;
      for (const auto& a : add->items()) {
        if (text(&a) != "NET_BIND_SERVICE") {
          bad_add = true;
          forbidden.emplace(text(&a));
          f.fields.push_back({fmt::format("{}.securityContext.capabilities.add[{}]", c.path, i), &a, &c});
        }
        ++i;
      }
    }
    if (bad_add) adding_forbidden.emplace_back(c.name);
  }
  std::vector<std::string> details;
  if (!missing_drop_all.empty()) {
    details.push_back(fmt::format(R"({} {} must set securityContext.capabilities.drop=["ALL"])",
                                  pluralize("container", "containers", missing_drop_all.size()),
                                  join_quote(missing_drop_all)));
  }
  if (!adding_forbidden.empty()) {
    std::vector<std::string> caps(forbidden.begin(), forbidden.end());
    details.push_back(fmt::format("{} {} must not include {} in securityContext.capabilities.add",
                                  pluralize("container", "containers", adding_forbidden.size()),
                                  join_quote(adding_forbidden), join_quote(caps)));
  }
  if (details.empty()) return std::nullopt;
  f.reason = "unrestricted capabilities";
  f.detail = join(details, "; ");
  return f;
}

// API validation forbids capabilities on Windows pods, so they pass without drop: [ALL].
CheckResult capabilities_restricted_v1_25(const k8s::PodSpecView& pod) {
  if (windows_pod(pod)) return std::nullopt;
  return capabilities_restricted_v1_22(pod);
}

}  // namespace kg::pss::checks
