// etcd (CIS 2.1 to 2.6). etcd reads ETCD_* environment variables for flags
// that are not given; Component::flag() looks at both.
#include <array>

#include "rules/node/node_rules.h"

namespace kg::rules::node {
namespace {

bool is_etcd(const Component& c) { return c.kind == ComponentKind::Etcd; }

void plain_urls(const Component& c, NodeEmitter& out, std::string_view flag, std::string_view what) {
  if (const Flag* f = c.flag(flag)) {
    for (auto url : split_list(f->value)) {
      if (url.starts_with("http://")) {
        out.at(f, fmt::format("etcd serves {} over plain HTTP ({})", what, url));
        return;
      }
    }
  }
}

void need(const Component& c, NodeEmitter& out, std::initializer_list<std::string_view> names) {
  for (auto name : names) {
    if (c.flag(name) == nullptr) out.at(nullptr, fmt::format("etcd has no --{}", name));
  }
}

void want_true(const Component& c, NodeEmitter& out, std::string_view name, std::string_view why) {
  const Flag* f = c.flag(name);
  if (!flag_is(f, true)) out.at(f, fmt::format("etcd --{} is not true: {}", name, why));
}

void want_not_true(const Component& c, NodeEmitter& out, std::string_view name, std::string_view why) {
  const Flag* f = c.flag(name);
  if (flag_is(f, true)) out.at(f, fmt::format("etcd --{}=true: {}", name, why));
}

const RuleMeta kClientTls{
    .id = "KG-NODE-032",
    .slug = "etcd-client-tls",
    .title = "etcd serves clients without TLS",
    .severity = Severity::High,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "etcd holds every object of the cluster, secrets included; over plain HTTP anyone on the path "
        "reads and writes them.",
    .remediation = "Set --cert-file and --key-file and serve https:// --listen-client-urls.",
    .references = {{ReferenceKind::Cis, "2.1",
                    "CIS Kubernetes Benchmark v1.10: etcd --cert-file and --key-file are set"}},
};

void client_tls(const Component& c, NodeEmitter& out) {
  if (!is_etcd(c)) return;
  plain_urls(c, out, "listen-client-urls", "clients");
  need(c, out, {"cert-file", "key-file"});
}

const RuleMeta kClientAuth{
    .id = "KG-NODE-033",
    .slug = "etcd-client-cert-auth",
    .title = "etcd does not require client certificates",
    .severity = Severity::High,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Without --client-cert-auth=true etcd answers any client that reaches its port: the whole "
        "cluster state, secrets included, bypassing the API server's authentication, authorization, "
        "admission and audit.",
    .remediation = "Set --client-cert-auth=true and --trusted-ca-file.",
    .references = {{ReferenceKind::Cis, "2.2", "CIS Kubernetes Benchmark v1.10: etcd --client-cert-auth=true"}},
};

void client_auth(const Component& c, NodeEmitter& out) {
  if (is_etcd(c)) want_true(c, out, "client-cert-auth", "any client may read and write the cluster state");
}

const RuleMeta kAutoTls{
    .id = "KG-NODE-034",
    .slug = "etcd-auto-tls",
    .title = "etcd uses self-signed client certificates (auto-tls)",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale = "--auto-tls makes etcd generate a self-signed certificate no client can verify.",
    .remediation = "Remove --auto-tls; use certificates from the etcd CA.",
    .references = {{ReferenceKind::Cis, "2.3", "CIS Kubernetes Benchmark v1.10: etcd --auto-tls not true"}},
};

void auto_tls(const Component& c, NodeEmitter& out) {
  if (is_etcd(c)) want_not_true(c, out, "auto-tls", "clients cannot verify etcd");
}

const RuleMeta kPeerTls{
    .id = "KG-NODE-035",
    .slug = "etcd-peer-tls",
    .title = "etcd talks to its peers without TLS",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Members replicate every write to each other; over plain HTTP the replication stream, secrets "
        "included, can be read and changed on the way.",
    .remediation = "Set --peer-cert-file and --peer-key-file and serve https:// --listen-peer-urls.",
    .references = {{ReferenceKind::Cis, "2.4",
                    "CIS Kubernetes Benchmark v1.10: etcd --peer-cert-file and --peer-key-file are set"}},
};

void peer_tls(const Component& c, NodeEmitter& out) {
  if (!is_etcd(c)) return;
  plain_urls(c, out, "listen-peer-urls", "peers");
  need(c, out, {"peer-cert-file", "peer-key-file"});
}

const RuleMeta kPeerAuth{
    .id = "KG-NODE-036",
    .slug = "etcd-peer-client-cert-auth",
    .title = "etcd does not authenticate its peers",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Without --peer-client-cert-auth=true anyone who reaches the peer port can join or talk to the "
        "cluster as a member.",
    .remediation = "Set --peer-client-cert-auth=true and --peer-trusted-ca-file.",
    .references = {{ReferenceKind::Cis, "2.5", "CIS Kubernetes Benchmark v1.10: etcd --peer-client-cert-auth=true"}},
};

void peer_auth(const Component& c, NodeEmitter& out) {
  if (is_etcd(c)) want_true(c, out, "peer-client-cert-auth", "peers are not authenticated");
}

const RuleMeta kPeerAutoTls{
    .id = "KG-NODE-037",
    .slug = "etcd-peer-auto-tls",
    .title = "etcd uses self-signed peer certificates (peer-auto-tls)",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale = "--peer-auto-tls makes each member generate a self-signed certificate its peers cannot verify.",
    .remediation = "Remove --peer-auto-tls; use peer certificates from the etcd CA.",
    .references = {{ReferenceKind::Cis, "2.6", "CIS Kubernetes Benchmark v1.10: etcd --peer-auto-tls not true"}},
};

void peer_auto_tls(const Component& c, NodeEmitter& out) {
  if (is_etcd(c)) want_not_true(c, out, "peer-auto-tls", "peers cannot verify each other");
}

const RuleMeta kSharedCa{
    .id = "KG-NODE-055",
    .slug = "etcd-trusts-cluster-ca",
    .title = "etcd trusts the cluster's CA for its clients",
    .severity = Severity::High,
    .family = "NODE",
    .kinds = {"process"},
    .rationale =
        "When etcd's --trusted-ca-file is the CA that signs the cluster's client certificates "
        "(kube-apiserver's --client-ca-file), every kubelet, controller and user certificate of the "
        "cluster also opens etcd, where it reads every secret and bypasses RBAC, admission and audit.",
    .remediation =
        "Give etcd a CA of its own (kubeadm: /etc/kubernetes/pki/etcd/ca.crt) that signs only etcd's and "
        "the API server's etcd client certificates.",
    .references = {{ReferenceKind::Cis, "2.7", "CIS Kubernetes Benchmark v1.10: a unique CA is used for etcd"}},
};

// The certificate bundle a flag names (public certificates, never keys), or "".
std::string ca_text(const Component& c, std::string_view path) {
  auto info = kg::node::file_info(c, path);
  if (!info || !info->exists || info->is_directory || info->size > (1 << 20)) return {};
  auto loaded = kg::node::read_small_file(info->host_path, 1 << 20);
  return loaded.value_or("");
}

// Compares etcd's client CA with the API server's on the same node (node scan
// sees both); a component scanned alone has no peers and nothing to compare.
void shared_ca(const Component& c, NodeEmitter& out) {
  if (!is_etcd(c)) return;
  const Flag* trusted = c.flag("trusted-ca-file");
  if (trusted == nullptr) return;  // no client certificate authentication at all: KG-NODE-033
  std::string etcd_ca = ca_text(c, trusted->value);
  for (const auto& peer : c.peers) {
    if (peer.kind != ComponentKind::ApiServer) continue;
    const Flag* cluster = peer.flag("client-ca-file");
    if (cluster == nullptr) continue;
    std::string cluster_ca = ca_text(peer, cluster->value);
    bool same_path = kg::node::host_path(c, trusted->value) == kg::node::host_path(peer, cluster->value);
    if (same_path || (!etcd_ca.empty() && etcd_ca == cluster_ca)) {
      out.at(trusted, fmt::format("etcd --trusted-ca-file ({}) is the cluster's client CA (kube-apiserver "
                                  "--client-ca-file {}): any cluster client certificate opens etcd",
                                  trusted->value, cluster->value));
      return;
    }
  }
}

const std::array kRules = {
    NodeRule{&kClientTls, client_tls}, NodeRule{&kClientAuth, client_auth}, NodeRule{&kAutoTls, auto_tls},
    NodeRule{&kPeerTls, peer_tls},     NodeRule{&kPeerAuth, peer_auth},     NodeRule{&kPeerAutoTls, peer_auto_tls},
    NodeRule{&kSharedCa, shared_ca},
};

}  // namespace

std::span<const NodeRule> etcd_rules() { return kRules; }

}  // namespace kg::rules::node
