#include "k8s/kinds.h"

#include <array>

namespace kg::k8s {
namespace {

constexpr uint8_t kEveryFront = kClusterScan | kClusterWatch | kAudit | kAdmission;

// One row per kind. The order is the order of lists derived from the table:
// namespaces first, so namespace facts exist before the workloads in them
// when a cluster scan lists them; pods and their controllers in the order
// RBAC findings name them.
constexpr std::array kKinds = {
    KindInfo{.api_version = "v1",
             .kind = "Namespace",
             .resource = "namespaces",
             .namespaced = false,
             .readers = kClusterScan},
    KindInfo{.api_version = "v1", .kind = "Pod", .resource = "pods", .pod = PodAt::Root, .readers = kEveryFront},
    KindInfo{.api_version = "apps/v1",
             .kind = "Deployment",
             .resource = "deployments",
             .pod = PodAt::SpecTemplate,
             .owns_pods = true,
             .legacy_group = "extensions",
             .readers = kEveryFront},
    KindInfo{.api_version = "apps/v1",
             .kind = "DaemonSet",
             .resource = "daemonsets",
             .pod = PodAt::SpecTemplate,
             .owns_pods = true,
             .legacy_group = "extensions",
             .readers = kEveryFront},
    KindInfo{.api_version = "apps/v1",
             .kind = "StatefulSet",
             .resource = "statefulsets",
             .pod = PodAt::SpecTemplate,
             .owns_pods = true,
             .readers = kEveryFront},
    KindInfo{.api_version = "apps/v1",
             .kind = "ReplicaSet",
             .resource = "replicasets",
             .pod = PodAt::SpecTemplate,
             .owns_pods = true,
             .legacy_group = "extensions",
             .made_by = "Deployment",
             .readers = kEveryFront},
    KindInfo{.api_version = "batch/v1",
             .kind = "Job",
             .resource = "jobs",
             .pod = PodAt::SpecTemplate,
             .owns_pods = true,
             .template_fixed = true,
             .made_by = "CronJob",
             .readers = kEveryFront},
    KindInfo{.api_version = "batch/v1",
             .kind = "CronJob",
             .resource = "cronjobs",
             .pod = PodAt::JobTemplate,
             .owns_pods = true,
             .readers = kEveryFront},
    KindInfo{.api_version = "v1",
             .kind = "ReplicationController",
             .resource = "replicationcontrollers",
             .pod = PodAt::SpecTemplate,
             .owns_pods = true,
             .readers = kEveryFront},
    // A PodTemplate describes a pod and runs none; the API server stores it
    // for controllers that read it. Files, audit and admission judge it.
    KindInfo{.api_version = "v1",
             .kind = "PodTemplate",
             .resource = "podtemplates",
             .pod = PodAt::Template,
             .readers = kAudit | kAdmission},
    KindInfo{.api_version = "v1", .kind = "ServiceAccount", .resource = "serviceaccounts", .readers = kClusterScan},
    KindInfo{.api_version = "v1", .kind = "Service", .resource = "services", .readers = kClusterScan},
    KindInfo{.api_version = "networking.k8s.io/v1",
             .kind = "NetworkPolicy",
             .resource = "networkpolicies",
             .readers = kClusterScan},
    KindInfo{
        .api_version = "rbac.authorization.k8s.io/v1", .kind = "Role", .resource = "roles", .readers = kEveryFront},
    KindInfo{.api_version = "rbac.authorization.k8s.io/v1",
             .kind = "RoleBinding",
             .resource = "rolebindings",
             .readers = kEveryFront},
    KindInfo{.api_version = "rbac.authorization.k8s.io/v1",
             .kind = "ClusterRole",
             .resource = "clusterroles",
             .namespaced = false,
             .readers = kEveryFront},
    KindInfo{.api_version = "rbac.authorization.k8s.io/v1",
             .kind = "ClusterRoleBinding",
             .resource = "clusterrolebindings",
             .namespaced = false,
             .readers = kEveryFront},
    KindInfo{.api_version = "admissionregistration.k8s.io/v1",
             .kind = "MutatingWebhookConfiguration",
             .resource = "mutatingwebhookconfigurations",
             .namespaced = false,
             .readers = kClusterScan | kClusterWatch | kAudit},
    KindInfo{.api_version = "admissionregistration.k8s.io/v1",
             .kind = "ValidatingWebhookConfiguration",
             .resource = "validatingwebhookconfigurations",
             .namespaced = false,
             .readers = kClusterScan | kClusterWatch | kAudit},
    KindInfo{.api_version = "certificates.k8s.io/v1",
             .kind = "CertificateSigningRequest",
             .resource = "certificatesigningrequests",
             .namespaced = false,
             .readers = kEveryFront},
};

constexpr std::array<std::string_view, 1> kTemplateKeys = {"template"};
constexpr std::array<std::string_view, 2> kSpecTemplateKeys = {"spec", "template"};
constexpr std::array<std::string_view, 4> kJobTemplateKeys = {"spec", "jobTemplate", "spec", "template"};

}  // namespace

std::span<const std::string_view> pod_template_keys(PodAt at) {
  switch (at) {
    case PodAt::None:
    case PodAt::Root: return {};
    case PodAt::Template: return kTemplateKeys;
    case PodAt::SpecTemplate: return kSpecTemplateKeys;
    case PodAt::JobTemplate: return kJobTemplateKeys;
  }
  return {};
}

std::string_view KindInfo::group() const {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

std::string_view KindInfo::version() const {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? api_version : api_version.substr(slash + 1);
}

std::span<const KindInfo> kinds() { return kKinds; }

const KindInfo* find_kind(std::string_view api_version, std::string_view kind) {
  auto slash = api_version.find('/');
  std::string_view group = slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
  for (const auto& k : kKinds) {
    if (k.kind != kind) continue;
    if (api_version.empty() || k.group() == group || (!k.legacy_group.empty() && k.legacy_group == group)) return &k;
  }
  return nullptr;
}

const KindInfo* find_resource(std::string_view group, std::string_view resource) {
  for (const auto& k : kKinds) {
    if (k.resource == resource && (k.group() == group || (!k.legacy_group.empty() && k.legacy_group == group))) {
      return &k;
    }
  }
  return nullptr;
}

const KindInfo* find_resource_any_group(std::string_view resource) {
  for (const auto& k : kKinds) {
    if (k.resource == resource) return &k;
  }
  return nullptr;
}

}  // namespace kg::k8s
