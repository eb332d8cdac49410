#include "rules/net/admin_ports.h"
#include "rules/net/net_rules.h"
#include "rules/pod/pod_support.h"

namespace kg::rules::net {
namespace {

const RuleMeta kMeta{
    .id = "KG-NET-006",
    .slug = "container-admin-port",
    .title = "Container listens on an administrative port (SSH, RDP, VNC, WinRM, Telnet, Docker API)",
    .severity = Severity::Medium,
    .family = "NET",
    .kinds = {"pod-bearing"},
    .rationale =
        "A container that declares port 22, 23, 3389, 5900, 5985/5986 or 2375/2376 runs a remote shell, a remote "
        "desktop or a container runtime's API: a way in that bypasses the cluster's own access control and "
        "audit log (kubectl exec is authorized and recorded; an SSH daemon is not), and a listener that scanners "
        "and brute-forcers look for first. Containers are administered through the API server, not through "
        "their own daemons. TCP ports only (the protocol's default).",
    .remediation =
        "Remove the daemon from the image and the port from the spec; use kubectl exec or kubectl debug, "
        "which RBAC controls and the audit log records.",
    .references = {{ReferenceKind::ThreatMatrix, "MS-TA9005", "Exposed sensitive interfaces"},
                   {ReferenceKind::ThreatMatrix, "MS-M9008", "Limit Access to Services Over Network"},
                   {ReferenceKind::Attack, "T1021.004", "Remote Services: SSH"},
                   ref::kNsaPodSecurity},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& c : ctx.pod->containers) {
    const doc::Node* ports = c.node->get("ports");
    if (ports == nullptr || !ports->is_sequence()) continue;
    for (size_t i = 0; i < ports->size(); ++i) {
      const doc::Node& p = ports->items()[i];
      std::string_view protocol = k8s::string_at(&p, "protocol");
      if (!protocol.empty() && protocol != "TCP") continue;
      const doc::Node* number = p.get("containerPort");
      std::optional<int64_t> value = number != nullptr ? number->as_int() : std::nullopt;
      if (!value) continue;
      auto admin = admin_port(*value);
      if (!admin || !admin->in_containers) continue;
      out.report(fmt::format("{}.ports[{}].containerPort", c.path, i), number,
                 fmt::format("{} declares port {} ({})", pod::describe(c), admin->port, admin->service), &c);
    }
  }
}

}  // namespace

void register_container_admin_port(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::net
