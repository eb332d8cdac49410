// Permissions and owners of the files a component names (CIS 1.1, 4.1).
// Only where the component's files can be read: `kubeguard node scan`.
#include <array>
#include <set>

#include "rules/node/node_rules.h"

namespace kg::rules::node {
namespace {

using kg::node::FileInfo;

struct NamedFile {
  std::string path;      // as the component names it
  std::string named_by;  // "--kubeconfig", "static pod manifest", "--config"
  bool key = false;
};

// Configuration and credential files (manifests, kubeconfigs, the kubelet's
// configuration, the encryption configuration that holds keys).
std::vector<NamedFile> config_files(const Component& c) {
  std::vector<NamedFile> out;
  if (!c.manifest.empty()) out.push_back({c.manifest, "static pod manifest"});
  for (std::string_view flag : {"kubeconfig", "authentication-kubeconfig", "authorization-kubeconfig", "config",
                                "encryption-provider-config", "admission-control-config-file"}) {
    if (c.kind == ComponentKind::Etcd) break;
    if (const Flag* f = c.flag(flag); f != nullptr && !f->value.empty()) {
      out.push_back({f->value, "--" + std::string(flag)});
    }
  }
  return out;
}

constexpr auto kPkiFlags = std::to_array<std::string_view>({
    "tls-cert-file",
    "tls-private-key-file",
    "client-ca-file",
    "requestheader-client-ca-file",
    "etcd-cafile",
    "etcd-certfile",
    "etcd-keyfile",
    "kubelet-client-certificate",
    "kubelet-client-key",
    "kubelet-certificate-authority",
    "service-account-key-file",
    "service-account-signing-key-file",
    "proxy-client-cert-file",
    "proxy-client-key-file",
    "root-ca-file",
    "service-account-private-key-file",
    "cluster-signing-cert-file",
    "cluster-signing-key-file",
    "cert-file",
    "key-file",
    "trusted-ca-file",
    "peer-cert-file",
    "peer-key-file",
    "peer-trusted-ca-file",
});

bool names_key(std::string_view flag) { return flag.find("key") != std::string_view::npos; }

// Certificates and keys, by flag (and, for the kubelet, its configuration).
std::vector<NamedFile> pki_files(const Component& c) {
  std::vector<NamedFile> out;
  for (auto flag : kPkiFlags) {
    if (const Flag* f = c.flag(flag); f != nullptr && !f->value.empty()) {
      // --service-account-key-file is a public key: a certificate-like file.
      bool key = names_key(flag) && flag != "service-account-key-file";
      out.push_back({f->value, "--" + std::string(flag), key});
    }
  }
  if (c.kind == ComponentKind::Kubelet && c.config != nullptr) {
    for (auto [field, key] : {std::pair{"authentication.x509.clientCAFile", false}, std::pair{"tlsCertFile", false},
                              std::pair{"tlsPrivateKeyFile", true}}) {
      if (const doc::Node* n = c.config->find(field); n != nullptr && n->is_scalar() && !n->str().empty()) {
        out.push_back({std::string(n->str()), std::string(field), key});
      }
    }
  }
  return out;
}

// Each existing file once, with its stat.
template <typename Fn>
void each_file(const Component& c, const std::vector<NamedFile>& files, Fn&& fn) {
  std::set<std::string> seen;
  for (const auto& f : files) {
    if (!seen.insert(f.path).second) continue;
    auto info = kg::node::file_info(c, f.path);
    if (!info || !info->exists) continue;
    fn(f, *info);
  }
}

void want_mode(const Component& c, NodeEmitter& out, const NamedFile& f, const FileInfo& info, mode_t allowed) {
  if ((info.mode & ~allowed & 0777) == 0) return;
  out.at_file(f.path, fmt::format("{} {} ({}) has mode {}: more open than {}", kg::node::component_name(c.kind),
                                  f.named_by, f.path, kg::node::mode_text(info.mode), kg::node::mode_text(allowed)));
}

void want_root(const Component& c, NodeEmitter& out, const NamedFile& f, const FileInfo& info) {
  if (info.uid == 0 && info.gid == 0) return;
  out.at_file(f.path, fmt::format("{} {} ({}) is owned by {}:{}, not root:root", kg::node::component_name(c.kind),
                                  f.named_by, f.path, kg::node::user_name(info.uid), kg::node::group_name(info.gid)));
}

const RuleMeta kConfigMode{
    .id = "KG-NODE-049",
    .slug = "component-config-file-permissions",
    .title = "Component manifest, kubeconfig or configuration file readable by others",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"process"},
    .rationale =
        "Static pod manifests decide what the control plane runs, kubeconfigs hold credentials and the "
        "encryption configuration holds the keys of every secret: anyone on the node who can read (or "
        "write) them can impersonate the component or change it.",
    .remediation = "chmod 600 the file.",
    .references = {{ReferenceKind::Cis, "1.1.1", "CIS Kubernetes Benchmark v1.10: API server manifest 600"},
                   {ReferenceKind::Cis, "1.1.3", "CIS Kubernetes Benchmark v1.10: controller manager manifest 600"},
                   {ReferenceKind::Cis, "1.1.5", "CIS Kubernetes Benchmark v1.10: scheduler manifest 600"},
                   {ReferenceKind::Cis, "1.1.7", "CIS Kubernetes Benchmark v1.10: etcd manifest 600"},
                   {ReferenceKind::Cis, "1.1.15", "CIS Kubernetes Benchmark v1.10: scheduler.conf 600"},
                   {ReferenceKind::Cis, "1.1.17", "CIS Kubernetes Benchmark v1.10: controller-manager.conf 600"},
                   {ReferenceKind::Cis, "4.1.5", "CIS Kubernetes Benchmark v1.10: kubelet.conf 600"},
                   {ReferenceKind::Cis, "4.1.9", "CIS Kubernetes Benchmark v1.10: kubelet config.yaml 600"}},
};

void config_mode(const Component& c, NodeEmitter& out) {
  each_file(c, config_files(c), [&](const NamedFile& f, const FileInfo& info) { want_mode(c, out, f, info, 0600); });
}

const RuleMeta kConfigOwner{
    .id = "KG-NODE-050",
    .slug = "component-config-file-owner",
    .title = "Component manifest, kubeconfig or configuration file not owned by root",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"process"},
    .rationale = "The owner of a manifest or kubeconfig can change its mode and content: it must be root.",
    .remediation = "chown root:root the file.",
    .references = {{ReferenceKind::Cis, "1.1.2", "CIS Kubernetes Benchmark v1.10: API server manifest root:root"},
                   {ReferenceKind::Cis, "1.1.4",
                    "CIS Kubernetes Benchmark v1.10: controller manager manifest root:root"},
                   {ReferenceKind::Cis, "1.1.6", "CIS Kubernetes Benchmark v1.10: scheduler manifest root:root"},
                   {ReferenceKind::Cis, "1.1.8", "CIS Kubernetes Benchmark v1.10: etcd manifest root:root"},
                   {ReferenceKind::Cis, "1.1.16", "CIS Kubernetes Benchmark v1.10: scheduler.conf root:root"},
                   {ReferenceKind::Cis, "1.1.18", "CIS Kubernetes Benchmark v1.10: controller-manager.conf root:root"},
                   {ReferenceKind::Cis, "4.1.6", "CIS Kubernetes Benchmark v1.10: kubelet.conf root:root"},
                   {ReferenceKind::Cis, "4.1.10", "CIS Kubernetes Benchmark v1.10: kubelet config.yaml root:root"}},
};

void config_owner(const Component& c, NodeEmitter& out) {
  each_file(c, config_files(c), [&](const NamedFile& f, const FileInfo& info) { want_root(c, out, f, info); });
}

const RuleMeta kPkiMode{
    .id = "KG-NODE-051",
    .slug = "pki-file-permissions",
    .title = "Certificate or key file readable by others",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"process"},
    .rationale =
        "A private key readable by another user lets that user act as the component (the CA key: "
        "as anyone). The benchmark asks 600 of certificates too.",
    .remediation = "chmod 600 the key and certificate files.",
    .references = {{ReferenceKind::Cis, "1.1.20", "CIS Kubernetes Benchmark v1.10: PKI certificate files 600"},
                   {ReferenceKind::Cis, "1.1.21", "CIS Kubernetes Benchmark v1.10: PKI key files 600"},
                   {ReferenceKind::Cis, "4.1.7", "CIS Kubernetes Benchmark v1.10: certificate authorities file 600"}},
};

void pki_mode(const Component& c, NodeEmitter& out) {
  each_file(c, pki_files(c), [&](const NamedFile& f, const FileInfo& info) {
    size_t before = out.hits().size();
    want_mode(c, out, f, info, 0600);
    // An open key is worse than an open certificate.
    if (f.key && out.hits().size() > before) out.hits().back().severity = Severity::High;
    if (!f.key && out.hits().size() > before) out.hits().back().severity = Severity::Low;
  });
}

const RuleMeta kPkiOwner{
    .id = "KG-NODE-052",
    .slug = "pki-file-owner",
    .title = "Certificate or key file not owned by root",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"process"},
    .rationale = "Whoever owns a key or CA file can replace it or open it to others.",
    .remediation = "chown root:root the PKI directory and its files.",
    .references = {{ReferenceKind::Cis, "1.1.19", "CIS Kubernetes Benchmark v1.10: PKI directory and files root:root"},
                   {ReferenceKind::Cis, "4.1.8",
                    "CIS Kubernetes Benchmark v1.10: client certificate authorities file root:root"}},
};

void pki_owner(const Component& c, NodeEmitter& out) {
  if (c.kind == ComponentKind::Etcd) return;  // etcd's files belong to the user etcd runs as (1.1.12)
  each_file(c, pki_files(c), [&](const NamedFile& f, const FileInfo& info) { want_root(c, out, f, info); });
}

const RuleMeta kEtcdDataMode{
    .id = "KG-NODE-053",
    .slug = "etcd-data-dir-permissions",
    .title = "etcd data directory open to other users",
    .severity = Severity::High,
    .family = "NODE",
    .kinds = {"process"},
    .rationale =
        "etcd's data directory is the cluster's state, every secret included (unencrypted unless "
        "encryption at rest is configured): only etcd may read it.",
    .remediation = "chmod 700 the --data-dir.",
    .references = {{ReferenceKind::Cis, "1.1.11", "CIS Kubernetes Benchmark v1.10: etcd data directory 700"}},
};

const Flag* data_dir(const Component& c) { return c.kind == ComponentKind::Etcd ? c.flag("data-dir") : nullptr; }

void etcd_data_mode(const Component& c, NodeEmitter& out) {
  const Flag* dir = data_dir(c);
  if (dir == nullptr) return;
  auto info = kg::node::file_info(c, dir->value);
  if (!info || !info->exists) return;
  NamedFile f{dir->value, "--data-dir"};
  want_mode(c, out, f, *info, 0700);
}

const RuleMeta kEtcdDataOwner{
    .id = "KG-NODE-054",
    .slug = "etcd-data-dir-owner",
    .title = "etcd data directory owned by another user than etcd",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"process"},
    .rationale =
        "The data directory must belong to the user etcd runs as (etcd:etcd where etcd has a user of "
        "its own), so no other account can open it up.",
    .remediation = "chown the --data-dir to the user etcd runs as.",
    .references = {{ReferenceKind::Cis, "1.1.12", "CIS Kubernetes Benchmark v1.10: etcd data directory etcd:etcd"}},
};

void etcd_data_owner(const Component& c, NodeEmitter& out) {
  const Flag* dir = data_dir(c);
  if (dir == nullptr || !c.uid) return;
  auto info = kg::node::file_info(c, dir->value);
  if (!info || !info->exists) return;
  if (info->uid == *c.uid || kg::node::user_name(info->uid) == "etcd") return;
  out.at_file(dir->value, fmt::format("etcd --data-dir ({}) is owned by {}, but etcd runs as {}", dir->value,
                                      kg::node::user_name(info->uid), kg::node::user_name(*c.uid)));
}

const std::array kRules = {
    NodeRule{&kConfigMode, config_mode},
    NodeRule{&kConfigOwner, config_owner},
    NodeRule{&kPkiMode, pki_mode},
    NodeRule{&kPkiOwner, pki_owner},
    NodeRule{&kEtcdDataMode, etcd_data_mode},
    NodeRule{&kEtcdDataOwner, etcd_data_owner},
};

}  // namespace

std::span<const NodeRule> file_rules() { return kRules; }

}  // namespace kg::rules::node
