#include <array>
#include <set>

#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

namespace {

// The container runtimes' default set; adding anything else (NET_RAW, SYS_ADMIN ...) is forbidden.
constexpr std::array<std::string_view, 13> kAllowed = {"AUDIT_WRITE", "CHOWN",  "DAC_OVERRIDE",     "FOWNER",  "FSETID",
                                                       "KILL",        "MKNOD",  "NET_BIND_SERVICE", "SETFCAP", "SETGID",
                                                       "SETPCAP",     "SETUID", "SYS_CHROOT"};

bool allowed(std::string_view capability) {
  for (auto a : kAllowed) {
    if (a == capability) return true;
  }
  return false;
}

}  // namespace

CheckResult capabilities_baseline_v1_0(const k8s::PodSpecView& pod) {
  CheckFailure f;
  std::vector<std::string> containers;
  std::set<std::string> forbidden;
  for (const auto& c : pod.containers) {
    const doc::Node* add = field(field(security_context(c), "capabilities"), "add");
    if (add == nullptr || !add->is_sequence()) continue;
    bool bad = false;
    size_t i = 0;
    for (const auto& item : add->items()) {
      if (!allowed(text(&item))) {
        bad = true;
        forbidden.emplace(text(&item));
        f.fields.push_back({fmt::format("{}.securityContext.capabilities.add[{}]", c.path, i), &item, &c});
      }
      ++i;
    }
    if (bad) containers.emplace_back(c.name);
  }
  if (containers.empty()) return std::nullopt;
  std::vector<std::string> caps(forbidden.begin(), forbidden.end());
  f.reason = "non-default capabilities";
  f.detail =
      fmt::format("{} {} must not include {} in securityContext.capabilities.add",
                  pluralize("container", "containers", containers.size()), join_quote(containers), join_quote(caps));
  return f;
}

}  // namespace kg::pss::checks
