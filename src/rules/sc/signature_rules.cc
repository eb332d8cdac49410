#include "rules/sc/sc_rules.h"
#include "rules/sc/signatures.h"

namespace kg::rules::sc {
namespace {

const RuleMeta kMiner{
    .id = "KG-SC-006",
    .slug = "crypto-miner-signature",
    .title = "Container runs a crypto-miner",
    .severity = Severity::Critical,
    .family = "SC",
    .kinds = {"pod-bearing"},
    .rationale =
        "Resource hijacking is the most common payload of sidecar injection: a miner image (xmrig, "
        "cpuminer, minerd...), a stratum pool URL or a miner flag such as --donate-level in what a "
        "container runs. Legitimate workloads do not carry these.",
    .remediation =
        "Treat the pod as compromised: quarantine it, find how the container got there (audit log: who "
        "patched the workload), remove it, rotate the service account's credentials, and restrict who may "
        "patch workloads.",
    .references = {ref::kSidecarInjection, ref::kResourceHijacking, ref::kAttackResourceHijacking,
                   ref::kAttackDeployContainer},
};

const RuleMeta kReverseShell{
    .id = "KG-SC-007",
    .slug = "reverse-shell-signature",
    .title = "Container opens a reverse shell",
    .severity = Severity::Critical,
    .family = "SC",
    .kinds = {"pod-bearing"},
    .rationale =
        "A command that wires a shell to a network socket (bash -i >& /dev/tcp/..., nc -e, socat exec:, "
        "a one-line python or perl socket) is a backdoor: it hands an interactive shell inside the pod, "
        "with its service account, to whoever listens.",
    .remediation =
        "Treat the pod as compromised: quarantine it, block egress to the address, find who added the "
        "command, and rotate credentials the pod could read.",
    .references = {ref::kSidecarInjection,
                   {ReferenceKind::ThreatMatrix, "MS-TA9012", "Backdoor container"},
                   {ReferenceKind::Attack, "T1059.004", "Command and Scripting Interpreter: Unix Shell"},
                   ref::kAttackDeployContainer},
};

const RuleMeta kApiServer{
    .id = "KG-SC-008",
    .slug = "api-server-access-with-pod-token",
    .title = "Container calls the API server with the pod's service-account token",
    .severity = Severity::High,
    .family = "SC",
    .kinds = {"pod-bearing"},
    .rationale =
        "Reading /var/run/secrets/kubernetes.io/serviceaccount/token and calling the API server from a "
        "container command is how the curl path of sidecar injection spreads: from one pod it patches "
        "others. Applications use client libraries, not shell one-liners with the token.",
    .remediation =
        "Remove the command; if the workload must talk to the API server, use a client library with a "
        "dedicated, least-privilege service account, and set automountServiceAccountToken: false "
        "everywhere else.",
    .references = {ref::kContainerServiceAccount,
                   {ReferenceKind::ThreatMatrix, "MS-TA9029", "Access Kubernetes API server"},
                   ref::kAttackStealToken,
                   ref::kDisableSaAutomount},
};

void report_kind(const ObjectContext& ctx, Emitter& out, SignatureKind kind) {
  for (const auto& c : ctx.pod->containers) {
    if (auto hit = find_signature(c, kind)) {
      std::string_view what = kind == SignatureKind::Miner          ? "crypto-miner signature"
                              : kind == SignatureKind::ReverseShell ? "reverse-shell command"
                                                                    : "API-server call with the pod's token";
      out.report(hit->path, hit->node != nullptr ? hit->node : c.node,
                 fmt::format("{} in container '{}' ({}): {}", what, c.name, k8s::role_name(c.role), hit->evidence), &c);
    }
  }
}

void check_miner(const ObjectContext& ctx, Emitter& out) { report_kind(ctx, out, SignatureKind::Miner); }
void check_reverse_shell(const ObjectContext& ctx, Emitter& out) { report_kind(ctx, out, SignatureKind::ReverseShell); }
void check_api_server(const ObjectContext& ctx, Emitter& out) {
  report_kind(ctx, out, SignatureKind::ApiServerWithToken);
}

}  // namespace

void register_signatures(Catalog& catalog) {
  catalog.add_pod_rule(kMiner, check_miner);
  catalog.add_pod_rule(kReverseShell, check_reverse_shell);
  catalog.add_pod_rule(kApiServer, check_api_server);
}

}  // namespace kg::rules::sc
