// Approved sidecar profiles: how kubeguard tells a legitimate injected
// container (istio-proxy, linkerd-proxy, vault-agent...) from an extra one.
// A profile approves a container only when its name, its image repository and,
// where the injector writes one, the injector's status annotation all agree.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kg::k8s {

struct SidecarProfile {
  std::string name;      // e.g. "istio-proxy"
  std::string injector;  // e.g. "istio": profiles of one injector share a status annotation
  std::vector<std::string> container_names;
  // Globs (fnmatch, '*' crosses '/') over the normalised repository, e.g.
  // "*/istio/proxyv2" matches docker.io/istio/proxyv2 and gcr.io/x/istio/proxyv2.
  std::vector<std::string> repositories;
  // Pod annotation the injector writes when it injects; empty when it writes none.
  std::string status_annotation;
  // The annotation's value is istio-style JSON listing "containers" and "initContainers".
  bool status_lists_containers = false;
  // Annotation in which the injector records per-container overrides
  // ({"containers"|"initContainers": [{"name","image"}]}); images it names are approved.
  std::string override_annotation;
  // False for generic names ("envoy") that other projects' containers use too:
  // such a name with another image is not taken for an impersonation.
  bool distinctive_name = true;

  bool matches_name(std::string_view container_name) const;
  bool matches_repository(std::string_view repository) const;
};

// The profiles kubeguard knows without configuration: istio, linkerd, vault
// agent, dapr, consul connect, AWS App Mesh, cloud-sql-proxy, fluent-bit,
// fluentd, OpenTelemetry collector, Datadog agent.
std::vector<SidecarProfile> builtin_sidecar_profiles();

// Adds `extra` to `profiles`; a profile with the name of an existing one replaces it.
void merge_profiles(std::vector<SidecarProfile>& profiles, std::vector<SidecarProfile> extra);

}  // namespace kg::k8s
