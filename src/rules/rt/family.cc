#include <cstdlib>

#include "rules/rt/rt_rules.h"

namespace kg::rules {
namespace rt {
namespace {

const RuleMeta kMiner{
    .id = "KG-RT-001",
    .slug = "miner-process",
    .title = "A cryptocurrency miner runs on the node",
    .severity = Severity::Critical,
    .family = "RT",
    .kinds = {"process"},
    .rationale =
        "A process whose command line names a miner (xmrig, cpuminer, ...), a stratum pool URL or "
        "miner-only options is the most common payload of a compromised container or an injected "
        "sidecar. The signatures are the ones the SC rules look for in manifests.",
    .remediation =
        "Quarantine the pod (kubeguard quarantine), find how the process got there (kubeguard audit, "
        "drift against Git), rotate the credentials the pod could reach.",
    .references = {ref::kResourceHijacking, ref::kAttackResourceHijacking},
};

const RuleMeta kReverseShell{
    .id = "KG-RT-002",
    .slug = "reverse-shell",
    .title = "A reverse shell runs on the node",
    .severity = Severity::Critical,
    .family = "RT",
    .kinds = {"process"},
    .rationale =
        "A shell whose input and output are a network socket, or a command line that sends one there "
        "(bash -i >& /dev/tcp/..., nc -e, socat exec:, a scripting language's socket one-liner), hands "
        "the node or container to whoever listens at the other end.",
    .remediation =
        "Kill the process, quarantine the pod, look for how it started (exec, an injected container, "
        "a vulnerable application) and what it reached.",
    .references = {{ReferenceKind::Attack, "T1059.004", "Command and Scripting Interpreter: Unix Shell"},
                   {ReferenceKind::ThreatMatrix, "MS-TA9007", "bash/cmd inside container"}},
};

const RuleMeta kPoolPort{
    .id = "KG-RT-003",
    .slug = "mining-pool-port-connection",
    .title = "A connection to a mining-pool port",
    .severity = Severity::High,
    .family = "RT",
    .kinds = {"process"},
    .rationale =
        "Stratum mining pools listen on a handful of ports (3333, 4444, 5555, 7777, 14444, 45700, ...) "
        "that ordinary workloads rarely use; a connection to one from a container is a miner until "
        "shown otherwise.",
    .remediation =
        "Find the process and pod of the connection (the finding names them) and quarantine it; "
        "block egress with a default-deny NetworkPolicy.",
    .references = {ref::kResourceHijacking, ref::kAttackResourceHijacking},
};

const RuleMeta kStratum{
    .id = "KG-RT-004",
    .slug = "stratum-protocol",
    .title = "Stratum mining protocol on the wire",
    .severity = Severity::Critical,
    .family = "RT",
    .kinds = {"process"},
    .rationale =
        "A TCP payload with the stratum methods mining.subscribe, mining.authorize or mining.submit (or "
        "the JSON-RPC login of XMRig's pools) is a miner talking to its pool, whatever port and "
        "command line it hides behind.",
    .remediation = "Quarantine the pod that sent it; block egress with a default-deny NetworkPolicy.",
    .references = {ref::kResourceHijacking, ref::kAttackResourceHijacking},
};

const RuleMeta kShell{
    .id = "KG-RT-005",
    .slug = "shell-in-container",
    .title = "A shell or package manager started in a container that does not start one",
    .severity = Severity::High,
    .family = "RT",
    .kinds = {"process"},
    .rationale =
        "A container whose image runs a program (not a shell script) has no reason to start a shell or "
        "install packages: someone is working inside it (kubectl exec, an exploited application, an "
        "injected sidecar's payload). Shells the pod spec itself runs (command, lifecycle hooks, exec "
        "probes) and containers whose first process is a shell are not reported.",
    .remediation =
        "Find who started it (kubeguard audit shows exec calls), and quarantine the pod if nobody did "
        "on purpose; build images without shells (distroless) so this cannot happen.",
    .references = {{ReferenceKind::ThreatMatrix, "MS-TA9007", "bash/cmd inside container"},
                   {ReferenceKind::Attack, "T1059.004", "Command and Scripting Interpreter: Unix Shell"}},
};

const RuleMeta kSidecarProcess{
    .id = "KG-RT-006",
    .slug = "unexpected-sidecar-process",
    .title = "A process an approved sidecar does not run",
    .severity = Severity::High,
    .family = "RT",
    .kinds = {"process"},
    .rationale =
        "An approved sidecar (istio-proxy, linkerd-proxy, vault-agent, ...) runs a known set of "
        "programs. Anything else in its container is a payload hiding behind an approved name and image: "
        "sidecar injection (MS-TA9011) that the manifest checks cannot see.",
    .remediation =
        "Quarantine the pod and compare its sidecar image with the injector's; check the injector's "
        "webhook configuration and who changed it.",
    .references = {ref::kSidecarInjection, ref::kAttackDeployContainer},
};

const RuleMeta kApiToken{
    .id = "KG-RT-007",
    .slug = "api-server-call-with-token",
    .title = "A process calls the API server with the pod's token",
    .severity = Severity::High,
    .family = "RT",
    .kinds = {"process"},
    .rationale =
        "curl or kubectl with the mounted service account token against the API server, from a "
        "command line, is how a compromised container explores what its account may do.",
    .remediation =
        "Find the pod and what its service account can do (kubeguard rbac); disable token automount "
        "where the API is not needed.",
    .references = {ref::kContainerServiceAccount, ref::kAttackStealToken},
};

}  // namespace

const RuleMeta& meta(RtRule rule) {
  switch (rule) {
    case RtRule::MinerProcess: return kMiner;
    case RtRule::ReverseShell: return kReverseShell;
    case RtRule::PoolPortConnection: return kPoolPort;
    case RtRule::StratumTraffic: return kStratum;
    case RtRule::ShellInContainer: return kShell;
    case RtRule::SidecarProcess: return kSidecarProcess;
    case RtRule::ApiServerWithToken: return kApiToken;
  }
  std::abort();  // every RtRule has its metadata above
}

}  // namespace rt

void register_rt_rules(Catalog& catalog) {
  // Like the audit rules, they judge events rather than objects: the scan never runs them.
  for (rt::RtRule r : rt::kAllRtRules) catalog.add_audit_rule(rt::meta(r));
}

}  // namespace kg::rules
