#include "cluster/resources.h"

#include <array>

#include <fmt/format.h>

namespace kg::cluster {
namespace {

// Namespaces first, so namespace facts exist before the workloads in them;
// the inventory rules run at the end anyway, but reports read in this order.
constexpr std::array kResources = {
    Resource{"v1", "Namespace", "namespaces", false},
    Resource{"v1", "Pod", "pods", true},
    Resource{"v1", "ReplicationController", "replicationcontrollers", true},
    Resource{"apps/v1", "Deployment", "deployments", true},
    Resource{"apps/v1", "StatefulSet", "statefulsets", true},
    Resource{"apps/v1", "DaemonSet", "daemonsets", true},
    Resource{"apps/v1", "ReplicaSet", "replicasets", true},
    Resource{"batch/v1", "Job", "jobs", true},
    Resource{"batch/v1", "CronJob", "cronjobs", true},
    Resource{"v1", "ServiceAccount", "serviceaccounts", true},
    Resource{"v1", "Service", "services", true},
    Resource{"networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", true},
    Resource{"rbac.authorization.k8s.io/v1", "Role", "roles", true},
    Resource{"rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true},
    Resource{"rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false},
    Resource{"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", false},
    Resource{"admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false},
    Resource{"admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations",
             false},
};

}  // namespace

std::span<const Resource> scan_resources() { return kResources; }

const Resource* find_resource(std::string_view name) {
  for (const auto& r : kResources) {
    if (r.plural == name || r.kind == name) return &r;
  }
  return nullptr;
}

std::string collection_path(const Resource& resource, std::string_view name_space) {
  std::string prefix = resource.api_version.find('/') == std::string_view::npos
                           ? fmt::format("/api/{}", resource.api_version)
                           : fmt::format("/apis/{}", resource.api_version);
  if (resource.namespaced && !name_space.empty()) {
    return fmt::format("{}/namespaces/{}/{}", prefix, name_space, resource.plural);
  }
  return fmt::format("{}/{}", prefix, resource.plural);
}

}  // namespace kg::cluster
