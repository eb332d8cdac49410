#include <vector>

#include <fmt/ranges.h>

#include "rules/net/admin_ports.h"
#include "rules/net/net_rules.h"

namespace kg::rules::net {
namespace {

const RuleMeta kMeta{
    .id = "KG-NET-004",
    .slug = "service-exposed-outside-cluster",
    .title = "Service reachable from outside the cluster (NodePort, LoadBalancer, externalIPs)",
    .severity = Severity::Medium,
    .family = "NET",
    .kinds = {"Service"},
    .rationale =
        "A Service of type NodePort opens its port on every node, type LoadBalancer asks the cloud for an address "
        "that is usually on the internet, and externalIPs route outside addresses to it: each puts the pods behind "
        "it in reach of whoever reaches the nodes or the balancer, past NetworkPolicies that only see cluster "
        "traffic, and a NodePort or a public balancer bypasses the TLS, authentication and rate limits an Ingress "
        "controller would apply. High for a public LoadBalancer without loadBalancerSourceRanges and for any "
        "exposure of an administrative port (SSH, RDP, VNC, WinRM, Telnet, the Docker API); low for a balancer the "
        "cloud annotation makes internal or that source ranges restrict; medium otherwise.",
    .remediation =
        "Use type ClusterIP behind an Ingress or Gateway that terminates TLS; for a balancer that must exist, make "
        "it internal with the cloud's annotation or set loadBalancerSourceRanges; never expose administrative "
        "ports.",
    .references = {{ReferenceKind::ThreatMatrix, "MS-TA9005", "Exposed sensitive interfaces"},
                   {ReferenceKind::ThreatMatrix, "MS-M9008", "Limit Access to Services Over Network"},
                   {ReferenceKind::Attack, "T1133", "External Remote Services"},
                   ref::kNsaNetworkSeparation},
};

// The annotations by which the clouds keep a LoadBalancer off the internet.
bool internal_balancer(const k8s::Object& object) {
  static constexpr std::pair<std::string_view, std::string_view> kInternal[] = {
      {"service.beta.kubernetes.io/aws-load-balancer-internal", ""},
      {"service.beta.kubernetes.io/aws-load-balancer-scheme", "internal"},
      {"networking.gke.io/load-balancer-type", "Internal"},
      {"cloud.google.com/load-balancer-type", "Internal"},
      {"service.beta.kubernetes.io/azure-load-balancer-internal", "true"},
      {"service.beta.kubernetes.io/oci-load-balancer-internal", "true"},
      {"service.beta.kubernetes.io/openstack-internal-load-balancer", "true"},
  };
  for (const auto& [key, value] : kInternal) {
    std::string_view v = object.annotation(key);
    if (v.empty()) continue;
    if (value.empty() ? v != "false" : v == value) return true;
  }
  return false;
}

void check(const ObjectContext& ctx, Emitter& out) {
  const k8s::Object& object = ctx.object;
  if (object.ref.api_version != "v1") return;
  const doc::Node* spec = object.root->get("spec");
  if (spec == nullptr || !spec->is_mapping()) return;
  std::string_view type = k8s::string_at(spec, "type");
  const doc::Node* external_ips = spec->get("externalIPs");
  bool has_external_ips = external_ips != nullptr && external_ips->is_sequence() && external_ips->size() > 0;
  if (type != "NodePort" && type != "LoadBalancer" && !has_external_ips) return;

  std::vector<std::string> admin;
  if (const doc::Node* ports = spec->get("ports"); ports != nullptr && ports->is_sequence()) {
    for (const auto& p : ports->items()) {
      std::string_view protocol = k8s::string_at(&p, "protocol");
      if (!protocol.empty() && protocol != "TCP") continue;
      for (auto field : {"port", "targetPort"}) {
        const doc::Node* n = p.get(field);
        std::optional<int64_t> number = n != nullptr ? n->as_int() : std::nullopt;
        if (!number) continue;
        if (auto a = admin_port(*number)) {
          admin.push_back(fmt::format("{} ({})", a->port, a->service));
          break;
        }
      }
    }
  }

  const doc::Node* at = spec->get("type");
  std::string path = "spec.type";
  std::string how;
  Severity severity = Severity::Medium;
  if (type == "LoadBalancer") {
    const doc::Node* ranges = spec->get("loadBalancerSourceRanges");
    bool restricted = ranges != nullptr && ranges->is_sequence() && ranges->size() > 0;
    if (internal_balancer(object)) {
      how = "type LoadBalancer, made internal by the cloud's annotation";
      severity = Severity::Low;
    } else if (restricted) {
      how = "type LoadBalancer, restricted by loadBalancerSourceRanges";
      severity = Severity::Low;
    } else {
      how = "type LoadBalancer with no internal annotation and no loadBalancerSourceRanges: usually a public address";
      severity = Severity::High;
    }
  } else if (type == "NodePort") {
    how = "type NodePort: its ports are open on every node";
  } else {
    how = "externalIPs route outside addresses to it";
    at = external_ips;
    path = "spec.externalIPs";
  }
  if (!admin.empty()) severity = Severity::High;
  std::string message = fmt::format("Service '{}' is reachable from outside the cluster ({})", object.ref.name, how);
  if (!admin.empty()) message += fmt::format(", and exposes administrative port(s) {}", fmt::join(admin, ", "));
  out.report(severity, path, at, message);
}

}  // namespace

void register_service_exposed(Catalog& catalog) { catalog.add_object_rule(kMeta, check); }

}  // namespace kg::rules::net
