#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-012",
    .slug = "host-port",
    .title = "Container binds a port on the node",
    .severity = Severity::Medium,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "A hostPort publishes the container on the node's own address, around Services and often around "
        "NetworkPolicy and cloud firewall rules meant for the pod network, and it pins the pod to nodes where "
        "the port is free. An injected container with a hostPort is reachable from outside the cluster.",
    .remediation =
        "Remove hostPort and expose the container through a Service (ClusterIP, NodePort or "
        "LoadBalancer) that NetworkPolicy and firewalls can govern.",
    .references = {kExposedInterfaces,
                   kLimitServiceAccess,
                   ref::kNetworkSegmentation,
                   ref::kPodSecurityStandards,
                   {ReferenceKind::Attack, "T1133", "External Remote Services"},
                   {ReferenceKind::Pss, "baseline/hostPorts", "Host Ports"},
                   {ReferenceKind::Cis, "5.2.13", "Minimize the admission of containers which use HostPorts"},
                   ref::kNsaNetworkSeparation},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& c : ctx.pod->containers) {
    const doc::Node* ports = c.node->get("ports");
    if (ports == nullptr || !ports->is_sequence()) continue;
    size_t index = 0;
    for (const auto& p : ports->items()) {
      const doc::Node* host_port = p.get("hostPort");
      if (host_port != nullptr && host_port->as_int().value_or(0) != 0) {
        out.report(fmt::format("{}.ports[{}].hostPort", c.path, index), host_port,
                   fmt::format("{} binds node port {} (hostPort)", describe(c), host_port->str()), &c);
      }
      ++index;
    }
  }
}

}  // namespace

void register_host_port(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
