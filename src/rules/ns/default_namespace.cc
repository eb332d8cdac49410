#include "k8s/kinds.h"
#include "rules/ns/ns_rules.h"

namespace kg::rules::ns {
namespace {

// Object rules match kinds by name: every pod-bearing kind of the table, then
// the namespaced kinds that configure or expose workloads. ResourceQuota and
// LimitRange are left out: they are how the default namespace is locked down.
std::vector<std::string_view> placed_kinds() {
  std::vector<std::string_view> kinds;
  for (const auto& k : k8s::kinds()) {
    if (k.carries_pod() && k.namespaced) kinds.push_back(k.kind);
  }
  for (std::string_view k : {"Service", "Endpoints", "EndpointSlice", "Ingress", "ConfigMap", "Secret",
                             "ServiceAccount", "Role", "RoleBinding", "NetworkPolicy", "PersistentVolumeClaim",
                             "HorizontalPodAutoscaler", "PodDisruptionBudget", "Lease", "CSIStorageCapacity"}) {
    kinds.push_back(k);
  }
  return kinds;
}

const RuleMeta kMeta{
    .id = "KG-NS-001",
    .slug = "default-namespace",
    .title = "Object placed in the default namespace",
    .severity = Severity::Medium,
    .family = "NS",
    .kinds = placed_kinds(),
    .rationale =
        "The default namespace is where everything lands that nobody placed: RBAC grants, network policies and "
        "quotas written for it tend to be broad, every pod in it shares the default service account, and one "
        "team's mistake there reaches every other object in it. Namespaces are the unit of isolation for RBAC, "
        "NetworkPolicy, Pod Security admission and quotas, so workloads and their configuration belong in a "
        "namespace of their own. Only an explicit metadata.namespace: default is reported: a manifest without a "
        "namespace is placed by whoever applies it (kubectl -n, Helm, Kustomize, Argo CD), so nothing can be "
        "said about it. Objects the API server itself keeps in every namespace (the kubernetes Service and "
        "Endpoints, the default ServiceAccount, the kube-root-ca.crt ConfigMap) and default-deny "
        "NetworkPolicies, which protect the default namespace, are not reported.",
    .remediation =
        "Create a namespace for the application (with Pod Security admission labels, a default-deny "
        "NetworkPolicy and a ResourceQuota) and set metadata.namespace to it, or leave namespace out "
        "and let the deployment tool choose it.",
    .references = {ref::kLeastPrivilege,
                   ref::kNetworkSegmentation,
                   ref::kAttackValidAccounts,
                   {ReferenceKind::Cis, "5.7.4", "The default namespace should not be used"},
                   {ReferenceKind::Nsa, "network-separation",
                    "NSA/CISA Kubernetes Hardening Guidance: Network separation and hardening, Namespaces"}},
};

// Objects the control plane creates in every namespace, default included.
bool is_built_in(const k8s::ObjectRef& ref) {
  if (ref.kind == "Service" || ref.kind == "Endpoints" || ref.kind == "EndpointSlice") {
    return ref.name == "kubernetes";
  }
  if (ref.kind == "ServiceAccount") return ref.name == "default";
  if (ref.kind == "ConfigMap") return ref.name == "kube-root-ca.crt";
  return false;
}

// podSelector: {} with no rules for every policy type it declares.
bool is_default_deny_policy(const k8s::Object& object) {
  const doc::Node* spec = object.root->get("spec");
  if (spec == nullptr) return false;
  const doc::Node* selector = spec->get("podSelector");
  if (selector != nullptr && selector->size() > 0) {
    const doc::Node* labels = selector->get("matchLabels");
    const doc::Node* expressions = selector->get("matchExpressions");
    if ((labels != nullptr && labels->size() > 0) || (expressions != nullptr && expressions->size() > 0)) {
      return false;
    }
  }
  const doc::Node* ingress = spec->get("ingress");
  const doc::Node* egress = spec->get("egress");
  return (ingress == nullptr || ingress->size() == 0) && (egress == nullptr || egress->size() == 0);
}

void check(const ObjectContext& ctx, Emitter& out) {
  const k8s::Object& object = ctx.object;
  if (object.ref.name_space != "default" || is_built_in(object.ref)) return;
  if (object.ref.kind == "NetworkPolicy" && is_default_deny_policy(object)) return;
  const doc::Node* at = object.root->find({"metadata", "namespace"});
  out.report("metadata.namespace", at,
             fmt::format("{} '{}' is placed in the default namespace", object.ref.kind, object.ref.name));
}

}  // namespace

void register_default_namespace(Catalog& catalog) { catalog.add_object_rule(kMeta, check); }

}  // namespace kg::rules::ns
