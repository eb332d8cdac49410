// API server admission plugins (CIS 1.2.3, 1.2.9 to 1.2.14).
#include <algorithm>
#include <array>

#include "rules/node/node_rules.h"

namespace kg::rules::node {
namespace {

// Plugins kube-apiserver v1.33 enables when --enable-admission-plugins does
// not name them (of those the benchmark asks about).
constexpr auto kOnByDefault = std::to_array<std::string_view>({"NamespaceLifecycle", "ServiceAccount"});

bool plugin_enabled(const Component& c, std::string_view plugin) {
  if (const Flag* off = c.flag("disable-admission-plugins"); off != nullptr && list_has(off->value, plugin)) {
    return false;
  }
  if (const Flag* on = c.flag("enable-admission-plugins"); on != nullptr && list_has(on->value, plugin)) return true;
  return std::find(kOnByDefault.begin(), kOnByDefault.end(), plugin) != kOnByDefault.end();
}

// Reports when a plugin the benchmark wants is off.
void want_plugin(const Component& c, NodeEmitter& out, std::string_view plugin) {
  if (c.kind != ComponentKind::ApiServer || plugin_enabled(c, plugin)) return;
  const Flag* off = c.flag("disable-admission-plugins");
  if (off != nullptr && list_has(off->value, plugin)) {
    out.at(off, fmt::format("kube-apiserver --disable-admission-plugins turns off {}", plugin));
    return;
  }
  out.at(c.flag("enable-admission-plugins"),
         fmt::format("kube-apiserver does not enable the {} admission plugin", plugin));
}

const RuleMeta kAlwaysAdmit{
    .id = "KG-NODE-010",
    .slug = "apiserver-admission-always-admit",
    .title = "API server enables the AlwaysAdmit admission plugin",
    .severity = Severity::High,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "AlwaysAdmit admits every request whatever the other plugins say; it is deprecated and only "
        "for testing.",
    .remediation = "Remove AlwaysAdmit from --enable-admission-plugins.",
    .references = {{ReferenceKind::Cis, "1.2.10", "CIS Kubernetes Benchmark v1.10: AlwaysAdmit not set"}},
};

void always_admit(const Component& c, NodeEmitter& out) {
  if (c.kind != ComponentKind::ApiServer || !plugin_enabled(c, "AlwaysAdmit")) return;
  out.at(c.flag("enable-admission-plugins"), "kube-apiserver enables the AlwaysAdmit admission plugin");
}

const RuleMeta kNodeRestriction{
    .id = "KG-NODE-011",
    .slug = "apiserver-admission-node-restriction",
    .title = "API server does not enable NodeRestriction",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "NodeRestriction keeps a kubelet from changing other nodes and pods not bound to it, and from "
        "setting node labels that steer workloads; without it one compromised node reaches the others.",
    .remediation = "Add NodeRestriction to --enable-admission-plugins (with Node in --authorization-mode).",
    .references = {{ReferenceKind::Cis, "1.2.14", "CIS Kubernetes Benchmark v1.10: NodeRestriction is set"}},
};

void node_restriction(const Component& c, NodeEmitter& out) { want_plugin(c, out, "NodeRestriction"); }

const RuleMeta kDefaultPlugins{
    .id = "KG-NODE-012",
    .slug = "apiserver-admission-default-plugin-disabled",
    .title = "API server disables ServiceAccount or NamespaceLifecycle admission",
    .severity = Severity::Medium,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "ServiceAccount admission gives every pod an account it may use (and enforces "
        "automountServiceAccountToken); NamespaceLifecycle stops objects being created in a namespace "
        "that is being deleted or does not exist. Both are on by default.",
    .remediation = "Remove them from --disable-admission-plugins.",
    .references = {{ReferenceKind::Cis, "1.2.12", "CIS Kubernetes Benchmark v1.10: ServiceAccount is set"},
                   {ReferenceKind::Cis, "1.2.13", "CIS Kubernetes Benchmark v1.10: NamespaceLifecycle is set"}},
};

void default_plugins(const Component& c, NodeEmitter& out) {
  for (auto plugin : kOnByDefault) want_plugin(c, out, plugin);
}

const RuleMeta kEventRateLimit{
    .id = "KG-NODE-013",
    .slug = "apiserver-admission-event-rate-limit",
    .title = "API server does not limit the rate of events",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Without EventRateLimit a misbehaving or hostile client can flood the API server and etcd with "
        "events. The plugin needs its limits in the --admission-control-config-file.",
    .remediation =
        "Add EventRateLimit to --enable-admission-plugins and configure it in an "
        "AdmissionConfiguration named by --admission-control-config-file.",
    .references = {{ReferenceKind::Cis, "1.2.9", "CIS Kubernetes Benchmark v1.10: EventRateLimit is set"}},
};

void event_rate_limit(const Component& c, NodeEmitter& out) {
  if (c.kind != ComponentKind::ApiServer) return;
  if (!plugin_enabled(c, "EventRateLimit")) {
    want_plugin(c, out, "EventRateLimit");
    return;
  }
  const Flag* file = c.flag("admission-control-config-file");
  if (file == nullptr) {
    out.at(nullptr, "kube-apiserver enables EventRateLimit without --admission-control-config-file");
    return;
  }
  auto loaded = kg::node::load_config(c, file->value);
  if (!loaded.config) return;  // cannot be read from here: the flag is all we know
  const doc::Node* plugins = loaded.config->find("plugins");
  if (plugins != nullptr && plugins->is_sequence()) {
    for (const auto& p : plugins->items()) {
      if (k8s::string_at(&p, "name") == "EventRateLimit") return;
    }
  }
  out.at(file, fmt::format("{} does not configure the EventRateLimit plugin", file->value));
}

const RuleMeta kAlwaysPull{
    .id = "KG-NODE-014",
    .slug = "apiserver-admission-always-pull-images",
    .title = "API server does not force image pulls (AlwaysPullImages)",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "On a shared node, an image pulled for one tenant with its credentials is in the node's cache; "
        "another pod that names it runs it without credentials unless every pull is forced.",
    .remediation =
        "Add AlwaysPullImages to --enable-admission-plugins (or rely on the kubelet's "
        "imagePullCredentialsVerificationPolicy where available).",
    .references = {{ReferenceKind::Cis, "1.2.11", "CIS Kubernetes Benchmark v1.10: AlwaysPullImages is set"}},
};

void always_pull(const Component& c, NodeEmitter& out) { want_plugin(c, out, "AlwaysPullImages"); }

const RuleMeta kExternalIps{
    .id = "KG-NODE-015",
    .slug = "apiserver-admission-deny-service-external-ips",
    .title = "API server allows Service externalIPs",
    .severity = Severity::Low,
    .family = "NODE",
    .kinds = {"Pod", "process"},
    .rationale =
        "Whoever can create a Service can set externalIPs and intercept traffic to any address "
        "(CVE-2020-8554) unless DenyServiceExternalIPs rejects them.",
    .remediation = "Add DenyServiceExternalIPs to --enable-admission-plugins.",
    .references = {{ReferenceKind::Cis, "1.2.3", "CIS Kubernetes Benchmark v1.10: DenyServiceExternalIPs is set"}},
};

void external_ips(const Component& c, NodeEmitter& out) { want_plugin(c, out, "DenyServiceExternalIPs"); }

const std::array kRules = {
    NodeRule{&kAlwaysAdmit, always_admit},       NodeRule{&kNodeRestriction, node_restriction},
    NodeRule{&kDefaultPlugins, default_plugins}, NodeRule{&kEventRateLimit, event_rate_limit},
    NodeRule{&kAlwaysPull, always_pull},         NodeRule{&kExternalIps, external_ips},
};

}  // namespace

std::span<const NodeRule> apiserver_admission_rules() { return kRules; }

}  // namespace kg::rules::node
