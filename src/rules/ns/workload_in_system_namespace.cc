#include "rules/ns/ns_rules.h"

namespace kg::rules::ns {
namespace {

const RuleMeta kMeta{
    .id = "KG-NS-002",
    .slug = "workload-in-system-namespace",
    .title = "Pod or workload placed in kube-public or kube-node-lease",
    .severity = Severity::High,
    .family = "NS",
    .kinds = {"pod-bearing"},
    .rationale =
        "kube-public holds the cluster-info ConfigMap that anyone may read, and kube-node-lease the nodes' "
        "heartbeat Leases: Kubernetes runs nothing in either, and no distribution or operator puts workloads "
        "there. Dashboards and alerts are scoped to application namespaces and kube-system, so a pod in these "
        "two is where nobody looks: a place to hide a miner or a backdoor. Pod Security admission labels and "
        "network policies are seldom set on them either. kube-system is not reported here: it holds the "
        "platform's own components (who created a pod there is the signal, KG-AUD-019 in the audit log).",
    .remediation =
        "Find who created it (audit log: create on pods or the workload kind in that namespace) and delete it if "
        "nobody owns it; run applications in namespaces of their own. Deny pod and workload creation in "
        "kube-public and kube-node-lease through RBAC and admission policy.",
    .references = {ref::kAttackDeployContainer,
                   {ReferenceKind::Attack, "T1036.005", "Masquerading: Match Legitimate Name or Location"},
                   ref::kLeastPrivilege,
                   {ReferenceKind::Nsa, "network-separation",
                    "NSA/CISA Kubernetes Hardening Guidance: Network separation and hardening, Namespaces"}},
};

// Every object with a pod spec: pods, the workload kinds and custom
// resources with a pod template alike.
void check(const ObjectContext& ctx, Emitter& out) {
  const k8s::Object& object = ctx.object;
  const std::string& ns = object.ref.name_space;
  if (ns != "kube-public" && ns != "kube-node-lease") return;
  const doc::Node* at = object.root->find({"metadata", "namespace"});
  out.report("metadata.namespace", at,
             fmt::format("{} '{}' runs in {}, a namespace that holds no workloads and that nobody watches",
                         object.ref.kind, object.ref.name, ns));
}

}  // namespace

void register_workload_in_system_namespace(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::ns
