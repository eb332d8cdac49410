#include <array>

#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-017",
    .slug = "unsafe-sysctls",
    .title = "Pod sets a sysctl outside the safe set",
    .severity = Severity::High,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "Only a few sysctls are namespaced and isolated enough that one pod cannot affect others or the node "
        "through them. The others can starve the node's kernel resources, weaken the network stack shared by "
        "every pod, or change kernel behaviour an escape relies on. The safe set is the one the Pod Security "
        "Standards baseline allows in its latest version: kernel.shm_rmid_forced, "
        "net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, "
        "net.ipv4.ping_group_range, net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_keepalive_time, "
        "net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl and net.ipv4.tcp_keepalive_probes (also in the slash "
        "spelling the kubelet accepts, "
        "net/ipv4/tcp_syncookies).",
    .remediation =
        "Remove the sysctl from spec.securityContext.sysctls. If the workload needs it, set it on "
        "dedicated, tainted nodes through the kubelet's --allowed-unsafe-sysctls and suppress the "
        "finding with a reason.",
    .references = {ref::kRestrictOverPermissive,
                   ref::kPodSecurityStandards,
                   ref::kDenialOfService,
                   ref::kAttackEscapeToHost,
                   {ReferenceKind::Pss, "baseline/sysctls", "Sysctls"},
                   kCisSecurityContext,
                   ref::kNsaPodSecurity},
};

constexpr std::array kSafe = {
    std::string_view("kernel.shm_rmid_forced"),
    std::string_view("net.ipv4.ip_local_port_range"),
    std::string_view("net.ipv4.ip_unprivileged_port_start"),
    std::string_view("net.ipv4.tcp_syncookies"),
    std::string_view("net.ipv4.ping_group_range"),
    std::string_view("net.ipv4.ip_local_reserved_ports"),
    std::string_view("net.ipv4.tcp_keepalive_time"),
    std::string_view("net.ipv4.tcp_fin_timeout"),
    std::string_view("net.ipv4.tcp_keepalive_intvl"),
    std::string_view("net.ipv4.tcp_keepalive_probes"),
};

// The kubelet accepts "net/ipv4/tcp_syncookies" for "net.ipv4.tcp_syncookies":
// when the first separator is a slash, slashes and dots trade places.
std::string canonical_sysctl(std::string_view name) {
  std::string out(name);
  size_t first = out.find_first_of("./");
  if (first == std::string::npos || out[first] == '.') return out;
  for (char& ch : out) {
    if (ch == '/') ch = '.';
    else if (ch == '.') ch = '/';
  }
  return out;
}

bool is_safe(std::string_view name) {
  std::string canonical = canonical_sysctl(name);
  for (auto s : kSafe) {
    if (s == canonical) return true;
  }
  return false;
}

void check(const ObjectContext& ctx, Emitter& out) {
  const doc::Node* sysctls = ctx.pod->spec->find({"securityContext", "sysctls"});
  if (sysctls == nullptr || !sysctls->is_sequence()) return;
  size_t index = 0;
  for (const auto& s : sysctls->items()) {
    const doc::Node* name = s.get("name");
    if (name != nullptr && !is_safe(name->str())) {
      out.report(fmt::format("{}.securityContext.sysctls[{}].name", ctx.pod->path, index), name,
                 fmt::format("pod sets unsafe sysctl {}", name->str()));
    }
    ++index;
  }
}

}  // namespace

void register_sysctls(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
