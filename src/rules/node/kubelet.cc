// The kubelet (CIS 4.2): each setting from its flag, else its --config file,
// else its default, which differs between the two (see kubelet_setting).
#include <array>
#include <charconv>

#include "rules/node/node_rules.h"

namespace kg::rules::node {
namespace {

bool is_kubelet(const Component& c) { return c.kind == ComponentKind::Kubelet; }

std::string said(const KubeletSetting& s) { return fmt::format("{} from {}", s.value, s.source); }

const RuleMeta kAnonymous{
    .id = "KG-NODE-038",
    .slug = "kubelet-anonymous-auth",
    .title = "Kubelet API accepts anonymous requests",
    .severity = Severity::High,
    .family = "NODE",
    .kinds = {"process", "KubeletConfiguration"},
    .rationale =
        "The kubelet API runs commands in containers, reads logs and lists pods. Anonymous access is "
        "on by default when the kubelet runs without a configuration file.",
    .remediation =
        "Set authentication.anonymous.enabled: false in the kubelet configuration (or "
        "--anonymous-auth=false).",
    .references = {{ReferenceKind::Cis, "4.2.1", "CIS Kubernetes Benchmark v1.10: kubelet --anonymous-auth=false"}},
};

void anonymous(const Component& c, NodeEmitter& out) {
  if (!is_kubelet(c)) return;
  auto s = kubelet_setting(c, "anonymous-auth", "authentication.anonymous.enabled", "true", "false");
  if (parse_bool(s.value) != std::optional<bool>(false)) {
    out.at(s.where, "kubelet accepts anonymous requests: anonymous auth " + said(s));
  }
}

const RuleMeta kAuthorization{
    .id = "KG-NODE-039",
    .slug = "kubelet-authorization-always-allow",
    .title = "Kubelet API authorizes every request",
    .severity = Severity::Critical,
    .family = "NODE",
    .kinds = {"process", "KubeletConfiguration"},
    .rationale =
        "With authorization mode AlwaysAllow (the default without a configuration file) every caller "
        "the kubelet authenticates, or every anonymous caller, may exec into any container on the node.",
    .remediation = "Set authorization.mode: Webhook (--authorization-mode=Webhook).",
    .references = {{ReferenceKind::Cis, "4.2.2",
                    "CIS Kubernetes Benchmark v1.10: kubelet --authorization-mode not AlwaysAllow"}},
};

void authorization(const Component& c, NodeEmitter& out) {
  if (!is_kubelet(c)) return;
  auto s = kubelet_setting(c, "authorization-mode", "authorization.mode", "AlwaysAllow", "Webhook");
  if (s.value == "AlwaysAllow") out.at(s.where, "kubelet authorization mode " + said(s));
}

const RuleMeta kClientCa{
    .id = "KG-NODE-040",
    .slug = "kubelet-client-ca",
    .title = "Kubelet does not authenticate client certificates",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"process", "KubeletConfiguration"},
    .rationale = "Without a client CA the kubelet cannot authenticate the API server's client certificate.",
    .remediation = "Set authentication.x509.clientCAFile (--client-ca-file) to the cluster CA.",
    .references = {{ReferenceKind::Cis, "4.2.3", "CIS Kubernetes Benchmark v1.10: kubelet --client-ca-file"}},
};

void client_ca(const Component& c, NodeEmitter& out) {
  if (!is_kubelet(c)) return;
  auto s = kubelet_setting(c, "client-ca-file", "authentication.x509.clientCAFile", "", "");
  if (s.value.empty()) out.at(s.where, "kubelet has no client CA file (" + s.source + ")");
}

const RuleMeta kReadOnlyPort{
    .id = "KG-NODE-041",
    .slug = "kubelet-read-only-port",
    .title = "Kubelet serves its read-only port",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"process", "KubeletConfiguration"},
    .rationale =
        "The read-only port (10255 by default without a configuration file) answers without "
        "authentication: the pods of the node, their specs and environment, and metrics.",
    .remediation = "Set readOnlyPort: 0 (--read-only-port=0).",
    .references = {{ReferenceKind::Cis, "4.2.4", "CIS Kubernetes Benchmark v1.10: kubelet --read-only-port=0"}},
};

void read_only_port(const Component& c, NodeEmitter& out) {
  if (!is_kubelet(c)) return;
  auto s = kubelet_setting(c, "read-only-port", "readOnlyPort", "10255", "0");
  if (s.value != "0") out.at(s.where, "kubelet read-only port " + said(s));
}

const RuleMeta kStreaming{
    .id = "KG-NODE-042",
    .slug = "kubelet-streaming-timeout-off",
    .title = "Kubelet streaming connections never time out",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"process", "KubeletConfiguration"},
    .rationale =
        "--streaming-connection-idle-timeout=0 keeps idle exec, attach and port-forward sessions open "
        "for ever. (0s in a configuration file means the 4h default.)",
    .remediation =
        "Remove --streaming-connection-idle-timeout=0, or set it (streamingConnectionIdleTimeout) to "
        "a duration such as 5m.",
    .references = {{ReferenceKind::Cis, "4.2.5",
                    "CIS Kubernetes Benchmark v1.10: kubelet --streaming-connection-idle-timeout not 0"}},
};

void streaming(const Component& c, NodeEmitter& out) {
  if (!is_kubelet(c)) return;
  const Flag* f = c.flag("streaming-connection-idle-timeout");
  if (f != nullptr && (f->value == "0" || f->value == "0s" || f->value == "0m" || f->value == "0h")) {
    out.at(f, "kubelet --streaming-connection-idle-timeout=" + f->value + ": idle sessions never close");
  }
}

const RuleMeta kIptables{
    .id = "KG-NODE-043",
    .slug = "kubelet-iptables-util-chains-off",
    .title = "Kubelet does not manage its iptables chains",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"process", "KubeletConfiguration"},
    .rationale =
        "With makeIPTablesUtilChains false the kubelet leaves the chains that drop martian and "
        "marked packets to whoever remembers to set them.",
    .remediation = "Remove makeIPTablesUtilChains: false (--make-iptables-util-chains=false).",
    .references = {{ReferenceKind::Cis, "4.2.6",
                    "CIS Kubernetes Benchmark v1.10: kubelet --make-iptables-util-chains=true"}},
};

void iptables(const Component& c, NodeEmitter& out) {
  if (!is_kubelet(c)) return;
  auto s = kubelet_setting(c, "make-iptables-util-chains", "makeIPTablesUtilChains", "true", "true");
  if (parse_bool(s.value) == std::optional<bool>(false)) out.at(s.where, "kubelet iptables util chains " + said(s));
}

const RuleMeta kHostname{
    .id = "KG-NODE-044",
    .slug = "kubelet-hostname-override",
    .title = "Kubelet overrides its node name",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"process"},
    .rationale =
        "--hostname-override makes the node's name differ from its host name, which breaks the TLS "
        "checks between the API server and the kubelet that rely on it.",
    .remediation = "Remove --hostname-override unless the cloud provider requires it.",
    .references = {{ReferenceKind::Cis, "4.2.7",
                    "CIS Kubernetes Benchmark v1.10: kubelet --hostname-override not set"}},
};

void hostname(const Component& c, NodeEmitter& out) {
  if (!is_kubelet(c)) return;
  if (const Flag* f = c.flag("hostname-override")) out.at(f, "kubelet --hostname-override=" + f->value);
}

const RuleMeta kServingCert{
    .id = "KG-NODE-045",
    .slug = "kubelet-self-signed-serving-certificate",
    .title = "Kubelet serves a self-signed certificate",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"process", "KubeletConfiguration"},
    .rationale =
        "Without tlsCertFile and tlsPrivateKeyFile, and without serverTLSBootstrap, the kubelet serves a "
        "self-signed certificate, so the API server cannot verify it is talking to the kubelet.",
    .remediation =
        "Set serverTLSBootstrap: true (and approve the serving CSRs) or tlsCertFile and "
        "tlsPrivateKeyFile.",
    .references = {{ReferenceKind::Cis, "4.2.9",
                    "CIS Kubernetes Benchmark v1.10: kubelet --tls-cert-file and --tls-private-key-file"}},
};

void serving_cert(const Component& c, NodeEmitter& out) {
  if (!is_kubelet(c)) return;
  auto bootstrap = kubelet_setting(c, "rotate-server-certificates", "serverTLSBootstrap", "false", "false");
  if (parse_bool(bootstrap.value) == std::optional<bool>(true)) return;
  auto cert = kubelet_setting(c, "tls-cert-file", "tlsCertFile", "", "");
  auto key = kubelet_setting(c, "tls-private-key-file", "tlsPrivateKeyFile", "", "");
  if (cert.value.empty() || key.value.empty()) {
    out.at(cert.where,
           "kubelet has neither tlsCertFile and tlsPrivateKeyFile nor serverTLSBootstrap: it serves "
           "a self-signed certificate");
  }
}

const RuleMeta kRotate{
    .id = "KG-NODE-046",
    .slug = "kubelet-client-certificate-rotation-off",
    .title = "Kubelet client certificate rotation turned off",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"process", "KubeletConfiguration"},
    .rationale = "With rotateCertificates false the kubelet's client certificate is never renewed.",
    .remediation = "Set rotateCertificates: true (--rotate-certificates).",
    .references = {{ReferenceKind::Cis, "4.2.10",
                    "CIS Kubernetes Benchmark v1.10: kubelet --rotate-certificates not false"}},
};

void rotate(const Component& c, NodeEmitter& out) {
  if (!is_kubelet(c)) return;
  auto s = kubelet_setting(c, "rotate-certificates", "rotateCertificates", "", "");
  if (!s.defaulted && parse_bool(s.value) == std::optional<bool>(false)) {
    out.at(s.where, "kubelet client certificate rotation " + said(s));
  }
}

const RuleMeta kPidsLimit{
    .id = "KG-NODE-047",
    .slug = "kubelet-pod-pids-limit",
    .title = "Kubelet sets no limit on the processes of a pod",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"process", "KubeletConfiguration"},
    .rationale =
        "Without podPidsLimit one pod (a fork bomb, a runaway miner) can exhaust the node's process IDs "
        "and stop every other pod and the kubelet itself.",
    .remediation = "Set podPidsLimit (--pod-max-pids) to a bound such as 4096.",
    .references = {{ReferenceKind::Cis, "4.2.13", "CIS Kubernetes Benchmark v1.10: a limit is set on pod PIDs"}},
};

void pids_limit(const Component& c, NodeEmitter& out) {
  if (!is_kubelet(c)) return;
  auto s = kubelet_setting(c, "pod-max-pids", "podPidsLimit", "-1", "-1");
  long value = -1;
  auto [end, ec] = std::from_chars(s.value.data(), s.value.data() + s.value.size(), value);
  if (ec != std::errc{} || end != s.value.data() + s.value.size() || value <= 0) {
    out.at(s.where, "kubelet pod PID limit " + said(s) + ": unlimited");
  }
}

const RuleMeta kKernelDefaults{
    .id = "KG-NODE-048",
    .slug = "kubelet-protect-kernel-defaults",
    .title = "Kubelet does not protect kernel defaults",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"process", "KubeletConfiguration"},
    .rationale =
        "Without protectKernelDefaults the kubelet changes kernel parameters it wants instead of "
        "refusing to run on a node tuned otherwise, so node hardening can be undone silently.",
    .remediation = "Set protectKernelDefaults: true (--protect-kernel-defaults) after tuning the node's sysctls.",
    .references = {{ReferenceKind::Cis, "4.2.6",
                    "CIS Kubernetes Benchmark v1.24 (removed in later versions): kubelet "
                    "--protect-kernel-defaults=true"}},
};

void kernel_defaults(const Component& c, NodeEmitter& out) {
  if (!is_kubelet(c)) return;
  auto s = kubelet_setting(c, "protect-kernel-defaults", "protectKernelDefaults", "false", "false");
  if (parse_bool(s.value) != std::optional<bool>(true)) out.at(s.where, "kubelet protect kernel defaults " + said(s));
}

const std::array kRules = {
    NodeRule{&kAnonymous, anonymous},
    NodeRule{&kAuthorization, authorization},
    NodeRule{&kClientCa, client_ca},
    NodeRule{&kReadOnlyPort, read_only_port},
    NodeRule{&kStreaming, streaming},
    NodeRule{&kIptables, iptables},
    NodeRule{&kHostname, hostname},
    NodeRule{&kServingCert, serving_cert},
    NodeRule{&kRotate, rotate},
    NodeRule{&kPidsLimit, pids_limit},
    NodeRule{&kKernelDefaults, kernel_defaults},
};

}  // namespace

std::span<const NodeRule> kubelet_rules() { return kRules; }

}  // namespace kg::rules::node
