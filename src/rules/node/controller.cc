// Controller manager and scheduler, and the settings the benchmark asks of
// several components: profiling, bind address, the kubelet serving
// certificate rotation gate (CIS 1.2.15, 1.3, 1.4, 4.2.11).
#include <array>

#include "rules/node/node_rules.h"

namespace kg::rules::node {
namespace {

const RuleMeta kProfiling{
    .id = "KG-NODE-026",
    .slug = "control-plane-profiling",
    .title = "Control-plane component serves profiling data",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Profiling is on unless --profiling=false: /debug/pprof shows program internals and lets a "
        "caller with access start expensive profiles.",
    .remediation = "Start kube-apiserver, kube-controller-manager and kube-scheduler with --profiling=false.",
    .references = {{ReferenceKind::Cis, "1.2.15", "CIS Kubernetes Benchmark v1.10: API server --profiling=false"},
                   {ReferenceKind::Cis, "1.3.2",
                    "CIS Kubernetes Benchmark v1.10: controller manager --profiling=false"},
                   {ReferenceKind::Cis, "1.4.1", "CIS Kubernetes Benchmark v1.10: scheduler --profiling=false"}},
};

void profiling(const Component& c, NodeEmitter& out) {
  if (c.kind == ComponentKind::Etcd || c.kind == ComponentKind::Kubelet) return;
  const Flag* f = c.flag("profiling");
  if (flag_is(f, false)) return;
  out.at(f, fmt::format("{} serves profiling data (no --profiling=false)", kg::node::component_name(c.kind)));
}

const RuleMeta kBindAddress{
    .id = "KG-NODE-027",
    .slug = "control-plane-bind-address",
    .title = "Controller manager or scheduler listens beyond loopback",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "The controller manager and the scheduler answer health, metrics and profiling requests on "
        "every interface unless --bind-address limits them; nothing outside the node needs them.",
    .remediation = "Set --bind-address=127.0.0.1.",
    .references = {{ReferenceKind::Cis, "1.3.7",
                    "CIS Kubernetes Benchmark v1.10: controller manager --bind-address=127.0.0.1"},
                   {ReferenceKind::Cis, "1.4.2", "CIS Kubernetes Benchmark v1.10: scheduler --bind-address=127.0.0.1"}},
};

void bind_address(const Component& c, NodeEmitter& out) {
  if (c.kind != ComponentKind::ControllerManager && c.kind != ComponentKind::Scheduler) return;
  const Flag* f = c.flag("bind-address");
  if (f != nullptr && (f->value == "127.0.0.1" || f->value == "::1" || f->value == "localhost")) return;
  out.at(f, f == nullptr ? fmt::format("{} has no --bind-address: it listens on every interface",
                                       kg::node::component_name(c.kind))
                         : fmt::format("{} --bind-address={}", kg::node::component_name(c.kind), f->value));
}

const RuleMeta kSaCredentials{
    .id = "KG-NODE-028",
    .slug = "controller-manager-shared-credentials",
    .title = "Controllers share the controller manager's credentials",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Without --use-service-account-credentials=true every controller acts with the controller "
        "manager's own, broad identity instead of a service account with only what it needs.",
    .remediation = "Set --use-service-account-credentials=true.",
    .references = {{ReferenceKind::Cis, "1.3.3",
                    "CIS Kubernetes Benchmark v1.10: --use-service-account-credentials=true"}},
};

void sa_credentials(const Component& c, NodeEmitter& out) {
  if (c.kind != ComponentKind::ControllerManager) return;
  const Flag* f = c.flag("use-service-account-credentials");
  if (!flag_is(f, true)) out.at(f, "kube-controller-manager does not use per-controller service account credentials");
}

const RuleMeta kSaPrivateKey{
    .id = "KG-NODE-029",
    .slug = "controller-manager-service-account-key",
    .title = "Controller manager has no service account signing key",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Without --service-account-private-key-file the controller manager cannot sign service account "
        "tokens with a key of their own, separate from serving keys, that can be rotated.",
    .remediation = "Set --service-account-private-key-file.",
    .references = {{ReferenceKind::Cis, "1.3.4",
                    "CIS Kubernetes Benchmark v1.10: --service-account-private-key-file is set"}},
};

void sa_private_key(const Component& c, NodeEmitter& out) {
  if (c.kind == ComponentKind::ControllerManager && c.flag("service-account-private-key-file") == nullptr) {
    out.at(nullptr, "kube-controller-manager has no --service-account-private-key-file");
  }
}

const RuleMeta kRootCa{
    .id = "KG-NODE-030",
    .slug = "controller-manager-root-ca",
    .title = "Controller manager gives pods no root CA",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Without --root-ca-file the CA bundle mounted into pods is missing, so pods cannot verify the "
        "API server's certificate and are open to a man in the middle.",
    .remediation = "Set --root-ca-file to the cluster CA.",
    .references = {{ReferenceKind::Cis, "1.3.5", "CIS Kubernetes Benchmark v1.10: --root-ca-file is set"}},
};

void root_ca(const Component& c, NodeEmitter& out) {
  if (c.kind == ComponentKind::ControllerManager && c.flag("root-ca-file") == nullptr) {
    out.at(nullptr, "kube-controller-manager has no --root-ca-file");
  }
}

const RuleMeta kRotateServer{
    .id = "KG-NODE-031",
    .slug = "kubelet-server-certificate-rotation-off",
    .title = "Kubelet serving certificate rotation turned off",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"Pod", "process", "KubeletConfiguration"},
    .rationale =
        "With the RotateKubeletServerCertificate feature gate off, kubelet serving certificates are not "
        "renewed and stay valid however long a stolen key is used.",
    .remediation =
        "Remove RotateKubeletServerCertificate=false from --feature-gates (featureGates in a kubelet "
        "configuration).",
    .references = {{ReferenceKind::Cis, "1.3.6",
                    "CIS Kubernetes Benchmark v1.10: controller manager RotateKubeletServerCertificate=true"},
                   {ReferenceKind::Cis, "4.2.11",
                    "CIS Kubernetes Benchmark v1.10: kubelet RotateKubeletServerCertificate=true"}},
};

void rotate_server(const Component& c, NodeEmitter& out) {
  if (c.kind != ComponentKind::ControllerManager && c.kind != ComponentKind::Kubelet) return;
  if (const Flag* f = c.flag("feature-gates")) {
    for (auto gate : split_list(f->value)) {
      if (gate.starts_with("RotateKubeletServerCertificate=") &&
          parse_bool(gate.substr(gate.find('=') + 1)) == std::optional<bool>(false)) {
        out.at(f, fmt::format("{} --feature-gates turns off RotateKubeletServerCertificate",
                              kg::node::component_name(c.kind)));
        return;
      }
    }
  }
  if (c.kind == ComponentKind::Kubelet && c.config != nullptr) {
    const doc::Node* gate = c.config->find("featureGates.RotateKubeletServerCertificate");
    if (gate != nullptr && gate->as_bool() == std::optional<bool>(false)) {
      out.at(c.config->where("featureGates.RotateKubeletServerCertificate"),
             "kubelet configuration turns off RotateKubeletServerCertificate");
    }
  }
}

const std::array kRules = {
    NodeRule{&kProfiling, profiling},
    NodeRule{&kBindAddress, bind_address},
    NodeRule{&kSaCredentials, sa_credentials},
    NodeRule{&kSaPrivateKey, sa_private_key},
    NodeRule{&kRootCa, root_ca},
    NodeRule{&kRotateServer, rotate_server},
};

}  // namespace

std::span<const NodeRule> controller_rules() { return kRules; }

}  // namespace kg::rules::node
