#include <array>

#include "rules/pod/capabilities.h"
#include "rules/pod/pod_rules.h"
#include "rules/sc/injector_modes.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-005",
    .slug = "dangerous-capabilities",
    .title = "Container adds a dangerous Linux capability",
    .severity = Severity::High,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "Each listed capability gives a container power over the kernel, the node or its neighbours: ALL and "
        "SYS_ADMIN (mount, namespaces, BPF maps; practically privileged, reported as critical), SYS_MODULE and "
        "SYS_RAWIO (kernel modules, raw I/O ports and memory), SYS_PTRACE (inspect and inject into other "
        "processes), DAC_READ_SEARCH (open host files by handle, the 'shocker' escape), SYS_BOOT, SYS_TIME, "
        "SYSLOG, NET_ADMIN and NET_RAW (reroute, sniff and spoof traffic, ARP poisoning), BPF and PERFMON "
        "(load programs into the kernel, read kernel memory), MAC_ADMIN and MAC_OVERRIDE (change or bypass "
        "AppArmor and SELinux), AUDIT_CONTROL (turn off auditing), LINUX_IMMUTABLE, SYS_RESOURCE and "
        "CHECKPOINT_RESTORE. The other capabilities in the runtimes' default set that the Pod Security "
        "Standards baseline allows (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, ...) are not listed: they act "
        "inside the container, and KG-POD-006 asks to drop them all anyway. Names are compared without case "
        "and without the CAP_ prefix, as the runtimes accept both.",
    .remediation =
        "Remove the capability from securityContext.capabilities.add; drop ALL and add back only "
        "what the process provably needs (usually nothing, or NET_BIND_SERVICE).",
    .references = {ref::kPrivilegedContainer,
                   kArpPoisoning,
                   ref::kRestrictOverPermissive,
                   ref::kPodSecurityStandards,
                   ref::kAttackEscapeToHost,
                   {ReferenceKind::Pss, "baseline/capabilities_baseline", "Capabilities"},
                   {ReferenceKind::Cis, "5.2.8", "Minimize the admission of containers with the NET_RAW capability"},
                   {ReferenceKind::Cis, "5.2.9", "Minimize the admission of containers with added capabilities"},
                   ref::kNsaPodSecurity},
};

struct Dangerous {
  std::string_view name;
  bool critical;
};

constexpr std::array kDangerous = {
    Dangerous{"ALL", true},
    Dangerous{"SYS_ADMIN", true},
    Dangerous{"SYS_MODULE", false},
    Dangerous{"SYS_RAWIO", false},
    Dangerous{"SYS_PTRACE", false},
    Dangerous{"DAC_READ_SEARCH", false},
    Dangerous{"SYS_BOOT", false},
    Dangerous{"SYS_TIME", false},
    Dangerous{"SYSLOG", false},
    Dangerous{"NET_ADMIN", false},
    Dangerous{"NET_RAW", false},
    Dangerous{"BPF", false},
    Dangerous{"PERFMON", false},
    Dangerous{"MAC_ADMIN", false},
    Dangerous{"MAC_OVERRIDE", false},
    Dangerous{"AUDIT_CONTROL", false},
    Dangerous{"LINUX_IMMUTABLE", false},
    Dangerous{"SYS_RESOURCE", false},
    Dangerous{"CHECKPOINT_RESTORE", false},
};

const Dangerous* find_dangerous(std::string_view normalized) {
  for (const auto& d : kDangerous) {
    if (d.name == normalized) return &d;
  }
  return nullptr;
}

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& c : ctx.pod->containers) {
    const doc::Node* added = c.node->find({"securityContext", "capabilities", "add"});
    if (added == nullptr || !added->is_sequence()) continue;
    size_t index = 0;
    for (const auto& item : added->items()) {
      const Dangerous* d = find_dangerous(normalize_capability(item.str()));
      if (d != nullptr) {
        out.report(d->critical ? Severity::Critical : kMeta.severity,
                   fmt::format("{}.securityContext.capabilities.add[{}]", c.path, index), &item,
                   fmt::format("{} adds capability {}{}", describe(c), item.str(), sc::injector_note(c)), &c);
      }
      ++index;
    }
  }
}

}  // namespace

void register_dangerous_capabilities(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
