#include <algorithm>
#include <array>
#include <span>

#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

namespace {

// The safe set only grows: each version's list is the previous one plus the
// sysctls that release proved namespaced and isolated.
constexpr std::array<std::string_view, 14> kSafe = {
    // 1.0
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    // 1.27
    "net.ipv4.ip_local_reserved_ports",
    // 1.29
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    // 1.32
    "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
    // 1.37
    "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"};

constexpr size_t kSafe1_0 = 5;
constexpr size_t kSafe1_27 = 6;
constexpr size_t kSafe1_29 = 10;
constexpr size_t kSafe1_32 = 12;
constexpr size_t kSafe1_37 = 14;

CheckResult check(const k8s::PodSpecView& pod, size_t safe_count) {
  std::span<const std::string_view> safe(kSafe.data(), safe_count);
  const doc::Node* sysctls = field(pod_security_context(pod), "sysctls");
  if (sysctls == nullptr || !sysctls->is_sequence()) return std::nullopt;
  CheckFailure f;
  std::vector<std::string> forbidden;  // in spec order, duplicates kept, as upstream lists them
  size_t i = 0;
  for (const auto& s : sysctls->items()) {
    std::string_view name = text(s.get("name"));
    if (std::find(safe.begin(), safe.end(), name) == safe.end()) {
      forbidden.emplace_back(name);
      const doc::Node* at = s.get("name");
      f.fields.push_back({fmt::format("{}.securityContext.sysctls[{}].name", pod.path, i), at ? at : &s});
    }
    ++i;
  }
  if (forbidden.empty()) return std::nullopt;
  f.reason = "forbidden sysctls";
  f.detail = join(forbidden, ", ");
  return f;
}

}  // namespace

CheckResult sysctls_v1_0(const k8s::PodSpecView& pod) { return check(pod, kSafe1_0); }
CheckResult sysctls_v1_27(const k8s::PodSpecView& pod) { return check(pod, kSafe1_27); }
CheckResult sysctls_v1_29(const k8s::PodSpecView& pod) { return check(pod, kSafe1_29); }
CheckResult sysctls_v1_32(const k8s::PodSpecView& pod) { return check(pod, kSafe1_32); }
CheckResult sysctls_v1_37(const k8s::PodSpecView& pod) { return check(pod, kSafe1_37); }

}  // namespace kg::pss::checks
