// API server authentication and authorization (CIS 1.2).
#include "rules/node/node_rules.h"

namespace kg::rules::node {
namespace {

bool is_apiserver(const Component& c) { return c.kind == ComponentKind::ApiServer; }

const RuleMeta kAnonymous{
    .id = "KG-NODE-001",
    .slug = "apiserver-anonymous-auth",
    .title = "API server accepts anonymous requests",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Without --anonymous-auth=false every request that no authenticator claims runs as system:anonymous. "
        "What it may then do is up to RBAC, and one binding to system:anonymous or system:unauthenticated (or a "
        "webhook that allows them) opens the API to anyone who can reach the port.",
    .remediation =
        "Start kube-apiserver with --anonymous-auth=false (health checks can use an authenticated "
        "client, or the AuthenticationConfiguration's anonymous.conditions for /livez, /readyz).",
    .references = {{ReferenceKind::Cis, "1.2.1", "CIS Kubernetes Benchmark v1.10: --anonymous-auth=false"}},
};

void anonymous(const Component& c, NodeEmitter& out) {
  if (!is_apiserver(c)) return;
  const Flag* f = c.flag("anonymous-auth");
  if (flag_is(f, false)) return;
  out.at(f, f == nullptr
                ? "kube-apiserver has no --anonymous-auth=false: anonymous requests are accepted"
                : fmt::format("kube-apiserver --anonymous-auth={}: anonymous requests are accepted", f->value));
}

const RuleMeta kTokenFile{
    .id = "KG-NODE-002",
    .slug = "apiserver-token-auth-file",
    .title = "API server reads static bearer tokens from a file",
    .severity = Severity::High,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Tokens in --token-auth-file never expire and are changed only by restarting the API server; "
        "they sit in clear text on the control-plane node.",
    .remediation = "Remove --token-auth-file; use client certificates, OIDC or service account tokens.",
    .references = {{ReferenceKind::Cis, "1.2.2", "CIS Kubernetes Benchmark v1.10: --token-auth-file not set"}},
};

void token_file(const Component& c, NodeEmitter& out) {
  if (!is_apiserver(c)) return;
  if (const Flag* f = c.flag("token-auth-file"); f != nullptr && !f->value.empty()) {
    out.at(f, "kube-apiserver authenticates static tokens from --token-auth-file");
  }
}

const RuleMeta kAlwaysAllow{
    .id = "KG-NODE-003",
    .slug = "apiserver-authorization-always-allow",
    .title = "API server authorizes every request (AlwaysAllow)",
    .severity = Severity::Critical,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "AlwaysAllow, which is also the default when neither --authorization-mode nor "
        "--authorization-config is given, lets every authenticated user do anything.",
    .remediation = "Set --authorization-mode=Node,RBAC (or an --authorization-config file with Node and RBAC).",
    .references = {{ReferenceKind::Cis, "1.2.6",
                    "CIS Kubernetes Benchmark v1.10: --authorization-mode not set to AlwaysAllow"}},
};

void always_allow(const Component& c, NodeEmitter& out) {
  if (!is_apiserver(c)) return;
  const Flag* f = c.flag("authorization-mode");
  if (f == nullptr) {
    if (c.flag("authorization-config") == nullptr) {
      out.at(nullptr, "kube-apiserver has neither --authorization-mode nor --authorization-config: AlwaysAllow");
    }
    return;
  }
  if (list_has(f->value, "AlwaysAllow")) out.at(f, "kube-apiserver --authorization-mode includes AlwaysAllow");
}

// Authorization modes given by flag; an --authorization-config file is not
// read here, so its authorizers are not judged.
void mode_missing(const Component& c, NodeEmitter& out, std::string_view mode) {
  if (!is_apiserver(c) || c.flag("authorization-config") != nullptr) return;
  const Flag* f = c.flag("authorization-mode");
  if (f != nullptr && list_has(f->value, mode)) return;
  out.at(f, fmt::format("kube-apiserver --authorization-mode does not include {}", mode));
}

const RuleMeta kNodeMode{
    .id = "KG-NODE-004",
    .slug = "apiserver-authorization-without-node",
    .title = "API server does not use the Node authorizer",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "The Node authorizer limits each kubelet to the secrets, config maps and pods of its own node; "
        "without it a stolen kubelet credential reads what RBAC grants every node.",
    .remediation = "Add Node to --authorization-mode (Node,RBAC) and enable the NodeRestriction admission plugin.",
    .references = {{ReferenceKind::Cis, "1.2.7", "CIS Kubernetes Benchmark v1.10: --authorization-mode includes Node"}},
};

void node_mode(const Component& c, NodeEmitter& out) { mode_missing(c, out, "Node"); }

const RuleMeta kRbacMode{
    .id = "KG-NODE-005",
    .slug = "apiserver-authorization-without-rbac",
    .title = "API server does not use RBAC",
    .severity = Severity::High,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale = "Without the RBAC authorizer, roles and bindings are ignored: least privilege cannot be expressed.",
    .remediation = "Add RBAC to --authorization-mode.",
    .references = {{ReferenceKind::Cis, "1.2.8", "CIS Kubernetes Benchmark v1.10: --authorization-mode includes RBAC"}},
};

void rbac_mode(const Component& c, NodeEmitter& out) { mode_missing(c, out, "RBAC"); }

const RuleMeta kKubeletClient{
    .id = "KG-NODE-006",
    .slug = "apiserver-kubelet-client-certificate",
    .title = "API server has no client certificate for kubelets",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Kubelets that authenticate their callers (they should) refuse an API server without a client "
        "certificate, which tempts operators to open the kubelet API to anonymous requests.",
    .remediation = "Set --kubelet-client-certificate and --kubelet-client-key.",
    .references = {{ReferenceKind::Cis, "1.2.4",
                    "CIS Kubernetes Benchmark v1.10: --kubelet-client-certificate and --kubelet-client-key"}},
};

void kubelet_client(const Component& c, NodeEmitter& out) {
  if (!is_apiserver(c)) return;
  for (std::string_view name : {"kubelet-client-certificate", "kubelet-client-key"}) {
    if (c.flag(name) == nullptr) out.at(nullptr, fmt::format("kube-apiserver has no --{}", name));
  }
}

const RuleMeta kKubeletCa{
    .id = "KG-NODE-007",
    .slug = "apiserver-kubelet-certificate-authority",
    .title = "API server does not verify kubelets' serving certificates",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Without --kubelet-certificate-authority the API server talks to kubelets (exec, logs, "
        "port-forward) without checking who answers: a man in the middle sees and changes the streams.",
    .remediation = "Set --kubelet-certificate-authority to the CA that signs the kubelets' serving certificates.",
    .references = {{ReferenceKind::Cis, "1.2.5", "CIS Kubernetes Benchmark v1.10: --kubelet-certificate-authority"}},
};

void kubelet_ca(const Component& c, NodeEmitter& out) {
  if (is_apiserver(c) && c.flag("kubelet-certificate-authority") == nullptr) {
    out.at(nullptr, "kube-apiserver has no --kubelet-certificate-authority");
  }
}

const RuleMeta kSaLookup{
    .id = "KG-NODE-008",
    .slug = "apiserver-service-account-lookup-off",
    .title = "API server accepts tokens of deleted service accounts",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "With --service-account-lookup=false a legacy token stays valid after its service account or "
        "secret is deleted.",
    .remediation = "Remove --service-account-lookup=false (the default is true).",
    .references = {{ReferenceKind::Cis, "1.2.21", "CIS Kubernetes Benchmark v1.10: --service-account-lookup=true"}},
};

void sa_lookup(const Component& c, NodeEmitter& out) {
  if (!is_apiserver(c)) return;
  const Flag* f = c.flag("service-account-lookup");
  if (flag_is(f, false)) out.at(f, "kube-apiserver --service-account-lookup=false");
}

const RuleMeta kSaKey{
    .id = "KG-NODE-009",
    .slug = "apiserver-service-account-key-file",
    .title = "API server has no service account key file",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Without --service-account-key-file the API server verifies tokens only with its TLS key, so "
        "service account signing keys cannot be rotated.",
    .remediation =
        "Set --service-account-key-file to the public key(s) of the controller manager's "
        "--service-account-private-key-file.",
    .references = {{ReferenceKind::Cis, "1.2.22", "CIS Kubernetes Benchmark v1.10: --service-account-key-file"}},
};

void sa_key(const Component& c, NodeEmitter& out) {
  if (is_apiserver(c) && c.flag("service-account-key-file") == nullptr) {
    out.at(nullptr, "kube-apiserver has no --service-account-key-file");
  }
}

const std::array kRules = {
    NodeRule{&kAnonymous, anonymous},  NodeRule{&kTokenFile, token_file}, NodeRule{&kAlwaysAllow, always_allow},
    NodeRule{&kNodeMode, node_mode},   NodeRule{&kRbacMode, rbac_mode},   NodeRule{&kKubeletClient, kubelet_client},
    NodeRule{&kKubeletCa, kubelet_ca}, NodeRule{&kSaLookup, sa_lookup},   NodeRule{&kSaKey, sa_key},
};

}  // namespace

std::span<const NodeRule> apiserver_auth_rules() { return kRules; }

}  // namespace kg::rules::node
