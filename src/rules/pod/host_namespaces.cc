// hostNetwork, hostPID and hostIPC: three pod-level switches that each hand
// a node namespace to every container of the pod.
#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const Reference kPssHostNamespaces{ReferenceKind::Pss, "baseline/hostNamespaces", "Host Namespaces"};

const RuleMeta kHostNetwork{
    .id = "KG-POD-007",
    .slug = "host-network",
    .title = "Pod uses the node's network namespace",
    .severity = Severity::High,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "With hostNetwork: true the pod sees every interface of the node: it can sniff node traffic, reach "
        "services bound to the node's loopback (kubelet read-only port, cloud metadata proxies, etcd on "
        "control-plane nodes), bind node ports and bypass NetworkPolicy, which does not apply to host-network "
        "pods.",
    .remediation =
        "Remove hostNetwork or set it to false; expose the workload through a Service. Keep host "
        "networking for the few node agents (CNI, kube-proxy) that need it, and suppress the "
        "finding there with a reason.",
    .references = {kAccessKubeletApi,
                   kArpPoisoning,
                   ref::kNetworkSegmentation,
                   ref::kRestrictOverPermissive,
                   ref::kAttackEscapeToHost,
                   {ReferenceKind::Attack, "T1040", "Network Sniffing"},
                   kPssHostNamespaces,
                   {ReferenceKind::Cis, "5.2.5",
                    "Minimize the admission of containers wishing to share the host network namespace"},
                   ref::kNsaPodSecurity},
};

const RuleMeta kHostPid{
    .id = "KG-POD-008",
    .slug = "host-pid",
    .title = "Pod shares the node's process ID namespace",
    .severity = Severity::High,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "With hostPID: true the containers see every process of the node: their command lines and, with "
        "enough rights, their environment (credentials), memory and open files through /proc; a root "
        "container can signal or ptrace node processes and enter their namespaces (nsenter), which is an "
        "escape to the host.",
    .remediation =
        "Remove hostPID or set it to false. Use shareProcessNamespace to share processes between "
        "the containers of one pod instead.",
    .references = {ref::kRestrictOverPermissive,
                   ref::kPodSecurityStandards,
                   ref::kAttackEscapeToHost,
                   {ReferenceKind::Attack, "T1057", "Process Discovery"},
                   kPssHostNamespaces,
                   {ReferenceKind::Cis, "5.2.3",
                    "Minimize the admission of containers wishing to share the host process ID namespace"},
                   ref::kNsaPodSecurity},
};

const RuleMeta kHostIpc{
    .id = "KG-POD-009",
    .slug = "host-ipc",
    .title = "Pod shares the node's IPC namespace",
    .severity = Severity::High,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "With hostIPC: true the containers share System V IPC objects and POSIX message queues (and /dev/shm) "
        "with every process of the node, so they can read and tamper with the shared memory of node daemons "
        "and other host-IPC pods.",
    .remediation = "Remove hostIPC or set it to false.",
    .references = {ref::kRestrictOverPermissive,
                   ref::kPodSecurityStandards,
                   ref::kAttackEscapeToHost,
                   {ReferenceKind::Attack, "T1559", "Inter-Process Communication"},
                   kPssHostNamespaces,
                   {ReferenceKind::Cis, "5.2.4",
                    "Minimize the admission of containers wishing to share the host IPC namespace"},
                   ref::kNsaPodSecurity},
};

void report_if_true(const ObjectContext& ctx, Emitter& out, std::string_view field, std::string_view what) {
  const doc::Node* node = ctx.pod->spec->get(field);
  if (is_true(node)) out.report(ctx.pod->field_path(field), node, fmt::format("pod {} ({}: true)", what, field));
}

void check_host_network(const ObjectContext& ctx, Emitter& out) {
  report_if_true(ctx, out, "hostNetwork", "uses the node's network namespace");
}

void check_host_pid(const ObjectContext& ctx, Emitter& out) {
  report_if_true(ctx, out, "hostPID", "shares the node's process ID namespace");
}

void check_host_ipc(const ObjectContext& ctx, Emitter& out) {
  report_if_true(ctx, out, "hostIPC", "shares the node's IPC namespace");
}

}  // namespace

void register_host_namespaces(Catalog& catalog) {
  catalog.add_pod_rule(kHostNetwork, check_host_network);
  catalog.add_pod_rule(kHostPid, check_host_pid);
  catalog.add_pod_rule(kHostIpc, check_host_ipc);
}

}  // namespace kg::rules::pod
