// Metadata of the audit detections on exec and attach (S6) and of the
// exec-then-write incident: the logic is in src/audit/exec.cc and
// src/audit/correlation.cc.
#include "rules/aud/aud_rules.h"

namespace kg::rules::aud {
namespace {

constexpr Reference kExecIntoContainer{ReferenceKind::ThreatMatrix, "MS-TA9006", "Exec into container"};
constexpr Reference kBashInContainer{ReferenceKind::ThreatMatrix, "MS-TA9007", "Bash or cmd inside container"};
constexpr Reference kRestrictExec{ReferenceKind::ThreatMatrix, "MS-M9010", "Restrict Exec Commands on Pods"};
constexpr Reference kAttackContainerAdmin{ReferenceKind::Attack, "T1609", "Container Administration Command"};
constexpr Reference kNsaAuditing{ReferenceKind::Nsa, "logging-and-threat-detection",
                                 "NSA/CISA Kubernetes Hardening Guidance: Audit logging and threat detection"};

const RuleMeta kExecIntoPod{
    .id = "KG-AUD-007",
    .slug = "audit-exec-into-pod",
    .title = "A command was run in a container (pods/exec, pods/attach)",
    .severity = Severity::Medium,
    .family = "AUD",
    .kinds = {"audit:pods/exec", "audit:pods/attach"},
    .rationale =
        "Exec and attach give a shell inside a running container, with its service account token and its "
        "secrets. The command is read from the request URI, or from the request body (PodExecOptions) where the "
        "log carries it there, and scored by what it does: a shell or a file copy (tar, what `kubectl cp` runs) "
        "raises the alert to high; reading the service-account token or mounted credentials, a package manager, "
        "a downloader, downloading and running, or a miner raises it to critical (scenario S6). The attempt is "
        "reported even when the API server could not reach the container (the pod "
        "has no node yet): it was authorised. Denied attempts are reported at low severity.",
    .remediation =
        "Confirm the session with its owner; restrict create on pods/exec and pods/attach, and prefer ephemeral "
        "debug containers with an audit trail over exec into production pods.",
    .references = {kExecIntoContainer, kBashInContainer, kRestrictExec, kAttackContainerAdmin,
                   ref::kAttackResourceHijacking, kNsaAuditing},
};
constexpr SeverityCase kExecIntoPodCases[] = {
    {"shell", Severity::High, "the command is a shell or a file copy (tar, what kubectl cp runs)"},
    {"dangerous", Severity::Critical,
     "the command reads the service-account token or mounted credentials, runs a package manager or a "
     "downloader, downloads and runs, or is a miner"},
    {"denied", Severity::Low, "the request was denied"},
};

const RuleMeta kExecThenWrite{
    .id = "KG-AUD-018",
    .slug = "audit-exec-then-service-account-write",
    .title = "Incident: exec into a pod, then writes with that pod's service account",
    .severity = Severity::Critical,
    .family = "AUD",
    .kinds = {"audit:pods/exec", "audit:pods", "audit:workloads"},
    .rationale =
        "Someone who execs into a pod holds its service-account token. When that service account then writes pods, "
        "workloads, webhooks or RBAC within the correlation window (10 minutes by default), the exec and the writes "
        "are one intrusion: the token was taken and used (scenarios S6 then S1/S2). The write must be another "
        "request, after the exec, that succeeded; an exec alone is KG-AUD-007. The pod's service account is "
        "learned from the pod's own create event in the log (a controller's pod included); when the log does not "
        "hold it, any service account of the pod's namespace is matched, the alert says so, and it is high "
        "rather than critical.",
    .remediation =
        "Treat as a compromise: quarantine the pod, revoke and rotate the service account's tokens, revert its "
        "writes (see related auditIDs) and remove its write permissions.",
    .references = {kExecIntoContainer, ref::kContainerServiceAccount, ref::kSidecarInjection, kAttackContainerAdmin,
                   ref::kAttackStealToken, ref::kAttackValidAccounts, kNsaAuditing},
};
constexpr SeverityCase kExecThenWriteCases[] = {
    {"namespace-guess", Severity::High,
     "the pod's service account is not in the log and any service account of its namespace was matched"},
};

}  // namespace

GradedRule exec_rule(AudRule rule) {
  switch (rule) {
    case AudRule::ExecIntoPod: return {&kExecIntoPod, kExecIntoPodCases};
    case AudRule::ExecThenServiceAccountWrite: return {&kExecThenWrite, kExecThenWriteCases};
    default: return {};
  }
}

}  // namespace kg::rules::aud
