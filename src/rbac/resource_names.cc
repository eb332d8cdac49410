#include "rbac/resource_names.h"

#include <array>
#include <cctype>

namespace kg::rbac {
namespace {

struct Known {
  std::string_view plural;
  std::string_view singular;
  std::string_view group;
  std::string_view kind;
  std::array<std::string_view, 2> short_names;
};

// `kubectl api-resources` of Kubernetes 1.33 (LiveRbacNames checks it against
// the test control plane's). Where two groups share a name (events), the
// first one listed wins, as in kubectl.
constexpr Known kKnown[] = {
    {"pods", "pod", "", "Pod", {"po", ""}},
    {"services", "service", "", "Service", {"svc", ""}},
    {"configmaps", "configmap", "", "ConfigMap", {"cm", ""}},
    {"secrets", "secret", "", "Secret", {"", ""}},
    {"serviceaccounts", "serviceaccount", "", "ServiceAccount", {"sa", ""}},
    {"namespaces", "namespace", "", "Namespace", {"ns", ""}},
    {"nodes", "node", "", "Node", {"no", ""}},
    {"persistentvolumes", "persistentvolume", "", "PersistentVolume", {"pv", ""}},
    {"persistentvolumeclaims", "persistentvolumeclaim", "", "PersistentVolumeClaim", {"pvc", ""}},
    {"endpoints", "endpoints", "", "Endpoints", {"ep", ""}},
    {"events", "event", "", "Event", {"ev", ""}},
    {"limitranges", "limitrange", "", "LimitRange", {"limits", ""}},
    {"resourcequotas", "resourcequota", "", "ResourceQuota", {"quota", ""}},
    {"replicationcontrollers", "replicationcontroller", "", "ReplicationController", {"rc", ""}},
    {"podtemplates", "podtemplate", "", "PodTemplate", {"", ""}},
    {"bindings", "binding", "", "Binding", {"", ""}},
    {"componentstatuses", "componentstatus", "", "ComponentStatus", {"cs", ""}},
    {"deployments", "deployment", "apps", "Deployment", {"deploy", ""}},
    {"daemonsets", "daemonset", "apps", "DaemonSet", {"ds", ""}},
    {"statefulsets", "statefulset", "apps", "StatefulSet", {"sts", ""}},
    {"replicasets", "replicaset", "apps", "ReplicaSet", {"rs", ""}},
    {"controllerrevisions", "controllerrevision", "apps", "ControllerRevision", {"", ""}},
    {"jobs", "job", "batch", "Job", {"", ""}},
    {"cronjobs", "cronjob", "batch", "CronJob", {"cj", ""}},
    {"horizontalpodautoscalers", "horizontalpodautoscaler", "autoscaling", "HorizontalPodAutoscaler", {"hpa", ""}},
    {"poddisruptionbudgets", "poddisruptionbudget", "policy", "PodDisruptionBudget", {"pdb", ""}},
    {"networkpolicies", "networkpolicy", "networking.k8s.io", "NetworkPolicy", {"netpol", ""}},
    {"ingresses", "ingress", "networking.k8s.io", "Ingress", {"ing", ""}},
    {"ingressclasses", "ingressclass", "networking.k8s.io", "IngressClass", {"", ""}},
    {"roles", "role", "rbac.authorization.k8s.io", "Role", {"", ""}},
    {"rolebindings", "rolebinding", "rbac.authorization.k8s.io", "RoleBinding", {"", ""}},
    {"clusterroles", "clusterrole", "rbac.authorization.k8s.io", "ClusterRole", {"", ""}},
    {"clusterrolebindings", "clusterrolebinding", "rbac.authorization.k8s.io", "ClusterRoleBinding", {"", ""}},
    {"mutatingwebhookconfigurations",
     "mutatingwebhookconfiguration",
     "admissionregistration.k8s.io",
     "MutatingWebhookConfiguration",
     {"", ""}},
    {"validatingwebhookconfigurations",
     "validatingwebhookconfiguration",
     "admissionregistration.k8s.io",
     "ValidatingWebhookConfiguration",
     {"", ""}},
    {"validatingadmissionpolicies",
     "validatingadmissionpolicy",
     "admissionregistration.k8s.io",
     "ValidatingAdmissionPolicy",
     {"", ""}},
    {"validatingadmissionpolicybindings",
     "validatingadmissionpolicybinding",
     "admissionregistration.k8s.io",
     "ValidatingAdmissionPolicyBinding",
     {"", ""}},
    {"customresourcedefinitions",
     "customresourcedefinition",
     "apiextensions.k8s.io",
     "CustomResourceDefinition",
     {"crd", "crds"}},
    {"apiservices", "apiservice", "apiregistration.k8s.io", "APIService", {"", ""}},
    {"storageclasses", "storageclass", "storage.k8s.io", "StorageClass", {"sc", ""}},
    {"csidrivers", "csidriver", "storage.k8s.io", "CSIDriver", {"", ""}},
    {"csinodes", "csinode", "storage.k8s.io", "CSINode", {"", ""}},
    {"csistoragecapacities", "csistoragecapacity", "storage.k8s.io", "CSIStorageCapacity", {"", ""}},
    {"volumeattachments", "volumeattachment", "storage.k8s.io", "VolumeAttachment", {"", ""}},
    {"certificatesigningrequests",
     "certificatesigningrequest",
     "certificates.k8s.io",
     "CertificateSigningRequest",
     {"csr", ""}},
    {"leases", "lease", "coordination.k8s.io", "Lease", {"", ""}},
    {"endpointslices", "endpointslice", "discovery.k8s.io", "EndpointSlice", {"", ""}},
    {"priorityclasses", "priorityclass", "scheduling.k8s.io", "PriorityClass", {"pc", ""}},
    {"runtimeclasses", "runtimeclass", "node.k8s.io", "RuntimeClass", {"", ""}},
    {"flowschemas", "flowschema", "flowcontrol.apiserver.k8s.io", "FlowSchema", {"", ""}},
    {"prioritylevelconfigurations",
     "prioritylevelconfiguration",
     "flowcontrol.apiserver.k8s.io",
     "PriorityLevelConfiguration",
     {"", ""}},
    {"tokenreviews", "tokenreview", "authentication.k8s.io", "TokenReview", {"", ""}},
    {"selfsubjectreviews", "selfsubjectreview", "authentication.k8s.io", "SelfSubjectReview", {"", ""}},
    {"subjectaccessreviews", "subjectaccessreview", "authorization.k8s.io", "SubjectAccessReview", {"", ""}},
    {"selfsubjectaccessreviews",
     "selfsubjectaccessreview",
     "authorization.k8s.io",
     "SelfSubjectAccessReview",
     {"", ""}},
    {"selfsubjectrulesreviews", "selfsubjectrulesreview", "authorization.k8s.io", "SelfSubjectRulesReview", {"", ""}},
    {"localsubjectaccessreviews",
     "localsubjectaccessreview",
     "authorization.k8s.io",
     "LocalSubjectAccessReview",
     {"", ""}},
    {"events", "event", "events.k8s.io", "Event", {"ev", ""}},
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool names(const Known& k, std::string_view name) {
  return name == k.plural || name == k.singular || name == lower(k.kind) ||
         (!k.short_names[0].empty() && name == k.short_names[0]) ||
         (!k.short_names[1].empty() && name == k.short_names[1]);
}

}  // namespace

std::optional<ResourceName> resolve_resource_name(std::string_view typed) {
  std::string text = lower(typed);
  // "deployments.apps", "deploy.apps": the part after the first dot is the group.
  std::string_view name = text;
  std::string_view group;
  bool grouped = false;
  if (size_t dot = name.find('.'); dot != std::string_view::npos) {
    group = name.substr(dot + 1);
    name = name.substr(0, dot);
    grouped = true;
  }
  for (const auto& k : kKnown) {
    if (grouped && k.group != group) continue;
    if (names(k, name)) return ResourceName{std::string(k.plural), std::string(k.group)};
  }
  return std::nullopt;
}

}  // namespace kg::rbac
