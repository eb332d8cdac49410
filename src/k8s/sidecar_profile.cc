#include "k8s/sidecar_profile.h"

#include <fnmatch.h>

#include <algorithm>

namespace kg::k8s {

bool SidecarProfile::matches_name(std::string_view container_name) const {
  return std::find(container_names.begin(), container_names.end(), container_name) != container_names.end();
}

bool SidecarProfile::matches_repository(std::string_view repository) const {
  std::string repo(repository);
  for (const auto& pattern : repositories) {
    if (fnmatch(pattern.c_str(), repo.c_str(), 0) == 0) return true;
  }
  return false;
}

std::vector<SidecarProfile> builtin_sidecar_profiles() {
  // Repositories cover each project's official registries and mirrors that keep
  // the project's path; a custom hub (registry.example.com/istio/proxyv2) matches
  // through the leading '*'.
  const std::vector<std::string> istio_repos = {
      "*/istio/proxyv2",       "*/istio-release/proxyv2",    "*/istio-testing/proxyv2",
      "*/istio/proxy_init",    "*/istio-release/proxy_init", "registry.istio.io/*",
      "gcr.io/istio-release/*"};
  const std::vector<std::string> linkerd_proxy = {"cr.l5d.io/linkerd/proxy", "*/linkerd/proxy",
                                                  "gcr.io/linkerd-io/proxy", "*/linkerd-io/proxy"};
  std::vector<SidecarProfile> p;
  auto istio = [&](std::string name) {
    SidecarProfile s{name, "istio", {name}, istio_repos, "sidecar.istio.io/status", true, "proxy.istio.io/overrides"};
    p.push_back(std::move(s));
  };
  istio("istio-proxy");
  istio("istio-init");
  istio("istio-validation");
  p.push_back({"linkerd-proxy", "linkerd", {"linkerd-proxy"}, linkerd_proxy, "linkerd.io/proxy-version", false, ""});
  // Recent linkerd runs linkerd-init from the proxy image, older ones from proxy-init.
  std::vector<std::string> linkerd_init = {"cr.l5d.io/linkerd/proxy-init", "*/linkerd/proxy-init",
                                           "gcr.io/linkerd-io/proxy-init", "*/linkerd-io/proxy-init"};
  linkerd_init.insert(linkerd_init.end(), linkerd_proxy.begin(), linkerd_proxy.end());
  p.push_back({"linkerd-init", "linkerd", {"linkerd-init"}, linkerd_init, "linkerd.io/proxy-version", false, ""});
  p.push_back({"linkerd-network-validator",
               "linkerd",
               {"linkerd-network-validator"},
               linkerd_proxy,
               "linkerd.io/proxy-version",
               false,
               ""});
  p.push_back({"linkerd-debug",
               "linkerd",
               {"linkerd-debug"},
               {"cr.l5d.io/linkerd/debug", "*/linkerd/debug", "gcr.io/linkerd-io/debug"},
               "linkerd.io/proxy-version",
               false,
               ""});
  p.push_back({"vault-agent",
               "vault",
               {"vault-agent", "vault-agent-init"},
               {"*/hashicorp/vault", "*/hashicorp/vault-enterprise", "*/hashicorp/vault-k8s"},
               "vault.hashicorp.com/agent-inject-status",
               false,
               ""});
  p.push_back({"dapr-sidecar", "dapr", {"daprd"}, {"*/dapr/daprd", "*/daprio/daprd"}, "", false, ""});
  p.push_back({"consul-connect",
               "consul",
               {"consul-dataplane", "consul-connect-inject-init", "envoy-sidecar", "consul-connect-lifecycle-sidecar"},
               {"*/hashicorp/consul-dataplane", "*/hashicorp/consul-k8s-control-plane", "*/hashicorp/consul",
                "*/envoyproxy/envoy", "*/envoyproxy/envoy-alpine"},
               "consul.hashicorp.com/connect-inject-status",
               false,
               ""});
  p.push_back({"appmesh-envoy",
               "appmesh",
               {"envoy", "proxyinit"},
               {"*/aws-appmesh-envoy", "*/appmesh/aws-appmesh-envoy", "*/aws-appmesh-proxy-route-manager",
                "*/appmesh/aws-appmesh-proxy-route-manager"},
               "",
               false,
               "",
               false});
  p.push_back({"cloud-sql-proxy",
               "cloud-sql-proxy",
               {"cloud-sql-proxy", "cloudsql-proxy"},
               {"*/cloud-sql-connectors/cloud-sql-proxy", "*/cloudsql-docker/gce-proxy"},
               "",
               false,
               ""});
  p.push_back({"fluent-bit",
               "fluent-bit",
               {"fluent-bit", "fluentbit"},
               {"*/fluent/fluent-bit", "*/bitnami/fluent-bit"},
               "",
               false,
               ""});
  p.push_back({"fluentd",
               "fluentd",
               {"fluentd"},
               {"*/fluent/fluentd", "*/fluent/fluentd-kubernetes-daemonset", "*/bitnami/fluentd"},
               "",
               false,
               ""});
  p.push_back({"otel-collector",
               "opentelemetry",
               {"otc-container", "otel-collector", "opentelemetry-collector"},
               {"*/otel/opentelemetry-collector", "*/otel/opentelemetry-collector-contrib",
                "*/otel/opentelemetry-collector-k8s", "*/opentelemetry-collector-releases/*"},
               "",
               false,
               ""});
  p.push_back({"datadog-agent",
               "datadog",
               {"datadog-agent", "datadog-trace-agent"},
               {"*/datadoghq/agent", "*/datadog/agent", "*/datadoghq/cluster-agent"},
               "",
               false,
               ""});
  return p;
}

void merge_profiles(std::vector<SidecarProfile>& profiles, std::vector<SidecarProfile> extra) {
  for (auto& e : extra) {
    auto it = std::find_if(profiles.begin(), profiles.end(), [&](const auto& p) { return p.name == e.name; });
    if (it != profiles.end()) *it = std::move(e);
    else profiles.push_back(std::move(e));
  }
}

}  // namespace kg::k8s
