// TLS of the API server, to its clients and to etcd, cipher suites, and
// encryption of secrets at rest (CIS 1.2.23 to 1.2.29, 4.2.12).
#include <algorithm>
#include <array>

#include "rules/node/node_rules.h"

namespace kg::rules::node {
namespace {

bool is_apiserver(const Component& c) { return c.kind == ComponentKind::ApiServer; }

void require_flags(const Component& c, NodeEmitter& out, std::initializer_list<std::string_view> names,
                   std::string_view why) {
  for (auto name : names) {
    if (c.flag(name) == nullptr) {
      out.at(nullptr, fmt::format("{} has no --{}{}", kg::node::component_name(c.kind), name, why));
    }
  }
}

const RuleMeta kEtcdClientTls{
    .id = "KG-NODE-019",
    .slug = "apiserver-etcd-client-certificate",
    .title = "API server does not authenticate to etcd with a certificate",
    .severity = Severity::High,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "etcd holds every secret of the cluster. An API server that reaches it over plain HTTP or "
        "without a client certificate means etcd accepts whoever connects.",
    .remediation =
        "Serve etcd over TLS with --client-cert-auth=true and give kube-apiserver --etcd-certfile "
        "and --etcd-keyfile (and https:// --etcd-servers).",
    .references = {{ReferenceKind::Cis, "1.2.23",
                    "CIS Kubernetes Benchmark v1.10: --etcd-certfile and --etcd-keyfile are set"}},
};

void etcd_client_tls(const Component& c, NodeEmitter& out) {
  if (!is_apiserver(c)) return;
  if (const Flag* servers = c.flag("etcd-servers")) {
    for (auto url : split_list(servers->value)) {
      if (url.starts_with("http://")) {
        out.at(servers, fmt::format("kube-apiserver talks to etcd over plain HTTP ({})", url));
        break;
      }
    }
  }
  require_flags(c, out, {"etcd-certfile", "etcd-keyfile"}, ": etcd cannot authenticate it");
}

const RuleMeta kEtcdCa{
    .id = "KG-NODE-020",
    .slug = "apiserver-etcd-ca",
    .title = "API server does not verify etcd's certificate",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Without --etcd-cafile the API server cannot tell the real etcd from an impostor that would "
        "receive every write, secrets included.",
    .remediation = "Set --etcd-cafile to the CA of etcd's serving certificate.",
    .references = {{ReferenceKind::Cis, "1.2.26", "CIS Kubernetes Benchmark v1.10: --etcd-cafile is set"}},
};

void etcd_ca(const Component& c, NodeEmitter& out) {
  if (is_apiserver(c)) require_flags(c, out, {"etcd-cafile"}, "");
}

const RuleMeta kServingTls{
    .id = "KG-NODE-021",
    .slug = "apiserver-serving-certificate",
    .title = "API server serves a self-signed certificate",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Without --tls-cert-file and --tls-private-key-file the API server makes itself a self-signed "
        "certificate that clients cannot verify, so they learn to skip verification.",
    .remediation = "Set --tls-cert-file and --tls-private-key-file to a certificate signed by the cluster CA.",
    .references = {{ReferenceKind::Cis, "1.2.24",
                    "CIS Kubernetes Benchmark v1.10: --tls-cert-file and --tls-private-key-file are set"}},
};

void serving_tls(const Component& c, NodeEmitter& out) {
  if (is_apiserver(c)) require_flags(c, out, {"tls-cert-file", "tls-private-key-file"}, "");
}

const RuleMeta kClientCa{
    .id = "KG-NODE-022",
    .slug = "apiserver-client-ca",
    .title = "API server does not authenticate client certificates",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Without --client-ca-file no client certificate is accepted: kubelets and controllers fall back "
        "to weaker credentials.",
    .remediation = "Set --client-ca-file to the cluster CA.",
    .references = {{ReferenceKind::Cis, "1.2.25", "CIS Kubernetes Benchmark v1.10: --client-ca-file is set"}},
};

void client_ca(const Component& c, NodeEmitter& out) {
  if (is_apiserver(c)) require_flags(c, out, {"client-ca-file"}, "");
}

// The suites CIS 1.2.29 and 4.2.12 accept: ECDHE key exchange (forward
// secrecy) with AES-GCM, ChaCha20-Poly1305 or, still accepted, AES-CBC, and
// the TLS 1.3 suites. RSA key exchange, 3DES and RC4 are not among them.
constexpr auto kStrongCiphers = std::to_array<std::string_view>({
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
});

const RuleMeta kCiphers{
    .id = "KG-NODE-023",
    .slug = "weak-tls-cipher-suites",
    .title = "API server or kubelet allows TLS cipher suites that are not strong",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"Pod", "process", "KubeletConfiguration"},
    .rationale =
        "Without --tls-cipher-suites (tlsCipherSuites in a kubelet configuration) the Go defaults apply, "
        "which still include CBC suites without AEAD; a list that names any suite without forward "
        "secrecy and AEAD is worse.",
    .remediation =
        "Set --tls-cipher-suites (kubelet: tlsCipherSuites) to ECDHE suites with AES-GCM or "
        "ChaCha20-Poly1305 only.",
    .references = {{ReferenceKind::Cis, "1.2.29", "CIS Kubernetes Benchmark v1.10: API server strong ciphers"},
                   {ReferenceKind::Cis, "4.2.12", "CIS Kubernetes Benchmark v1.10: kubelet strong ciphers"}},
};

void check_cipher_list(const Component& c, NodeEmitter& out, const std::vector<std::string_view>& suites,
                       const Where& where) {
  for (auto suite : suites) {
    if (std::find(kStrongCiphers.begin(), kStrongCiphers.end(), suite) == kStrongCiphers.end()) {
      out.at(where, fmt::format("{} allows the cipher suite {}", kg::node::component_name(c.kind), suite),
             Severity::Medium);
    }
  }
}

void ciphers(const Component& c, NodeEmitter& out) {
  if (c.kind != ComponentKind::ApiServer && c.kind != ComponentKind::Kubelet) return;
  if (const Flag* f = c.flag("tls-cipher-suites")) {
    check_cipher_list(c, out, split_list(f->value), f->where);
    return;
  }
  if (c.kind == ComponentKind::Kubelet && c.config != nullptr) {
    if (const doc::Node* list = c.config->find("tlsCipherSuites"); list != nullptr && list->is_sequence()) {
      std::vector<std::string_view> suites;
      for (const auto& item : list->items()) suites.push_back(item.str());
      if (!suites.empty()) {
        check_cipher_list(c, out, suites, c.config->where("tlsCipherSuites"));
        return;
      }
    }
  }
  out.at(nullptr, fmt::format("{} sets no --tls-cipher-suites{}: the suites are the Go release's defaults",
                              kg::node::component_name(c.kind),
                              c.kind == ComponentKind::Kubelet ? " (nor tlsCipherSuites)" : ""));
}

const RuleMeta kEncryption{
    .id = "KG-NODE-024",
    .slug = "apiserver-no-encryption-at-rest",
    .title = "API server stores secrets in etcd unencrypted",
    .severity = Severity::High,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Without --encryption-provider-config secrets are written to etcd as they are: whoever reads "
        "etcd's data directory, a snapshot or a backup reads every secret.",
    .remediation =
        "Set --encryption-provider-config to an EncryptionConfiguration that encrypts secrets with "
        "kms (v2), aescbc, aesgcm or secretbox, listed before identity.",
    .references = {{ReferenceKind::Cis, "1.2.27",
                    "CIS Kubernetes Benchmark v1.10: --encryption-provider-config is set"}},
};

void encryption(const Component& c, NodeEmitter& out) {
  if (is_apiserver(c) && c.flag("encryption-provider-config") == nullptr) {
    out.at(nullptr, "kube-apiserver has no --encryption-provider-config: secrets are stored unencrypted");
  }
}

const RuleMeta kProviders{
    .id = "KG-NODE-025",
    .slug = "apiserver-encryption-provider-weak",
    .title = "Encryption configuration leaves secrets unencrypted",
    .severity = Severity::High,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "The first provider of a resource's list encrypts new writes: identity first (or no entry for "
        "secrets) stores them in clear text even though encryption is configured.",
    .remediation = "List secrets under resources with kms, aescbc, aesgcm or secretbox as the first provider.",
    .references = {{ReferenceKind::Cis, "1.2.28",
                    "CIS Kubernetes Benchmark v1.10: encryption providers are appropriately configured"}},
};

bool covers_secrets(const doc::Node& resource_list) {
  for (const auto& r : resource_list.items()) {
    std::string_view name = r.str();
    if (name == "secrets" || name == "*." || name == "*.*") return true;
  }
  return false;
}

void providers(const Component& c, NodeEmitter& out) {
  if (!is_apiserver(c)) return;
  const Flag* file = c.flag("encryption-provider-config");
  if (file == nullptr) return;
  auto loaded = kg::node::load_config(c, file->value);
  if (!loaded.config) {
    if (!c.root.empty()) {
      out.at(file, fmt::format("encryption configuration {} cannot be read: {}", file->value, loaded.error->message));
    }
    return;
  }
  const doc::Node* resources = loaded.config->find("resources");
  size_t i = 0;
  if (resources != nullptr && resources->is_sequence()) {
    for (const auto& entry : resources->items()) {
      const doc::Node* names = entry.get("resources");
      if (names == nullptr || !names->is_sequence() || !covers_secrets(*names)) {
        ++i;
        continue;
      }
      const doc::Node* list = entry.get("providers");
      Where where = loaded.config->where(fmt::format("resources"));
      where.path = fmt::format("resources[{}].providers[0]", i);
      if (list == nullptr || !list->is_sequence() || list->size() == 0) {
        out.at(where, fmt::format("{}: no provider for secrets", file->value));
        return;
      }
      const doc::Node& first = list->items().front();
      where.mark = first.mark();
      where.node = &first;
      if (first.is_mapping() && first.size() > 0) {
        std::string_view provider = first.entries().front().key;
        if (provider == "identity") {
          out.at(where, fmt::format("{}: identity is the first provider for secrets: they are written unencrypted",
                                    file->value));
        }
      }
      return;
    }
  }
  out.at(file, fmt::format("{}: no resources entry covers secrets", file->value));
}

const std::array kRules = {
    NodeRule{&kEtcdClientTls, etcd_client_tls},
    NodeRule{&kEtcdCa, etcd_ca},
    NodeRule{&kServingTls, serving_tls},
    NodeRule{&kClientCa, client_ca},
    NodeRule{&kCiphers, ciphers},
    NodeRule{&kEncryption, encryption},
    NodeRule{&kProviders, providers},
};

}  // namespace

std::span<const NodeRule> apiserver_tls_rules() { return kRules; }

}  // namespace kg::rules::node
