// Metadata of the audit detections on pod and workload writes (S1, S2, S3):
// the logic is in src/audit/workload_writes.cc and src/audit/pod_admission.cc.
#include "rules/aud/aud_rules.h"

namespace kg::rules::aud {
namespace {

constexpr Reference kNewContainer{ReferenceKind::ThreatMatrix, "MS-TA9008", "New container"};
constexpr Reference kBackdoorContainer{ReferenceKind::ThreatMatrix, "MS-TA9012", "Backdoor container"};
constexpr Reference kMaliciousAdmissionController{ReferenceKind::ThreatMatrix, "MS-TA9015",
                                                  "Malicious admission controller"};
constexpr Reference kAttackContainerAdmin{ReferenceKind::Attack, "T1609", "Container Administration Command"};
constexpr Reference kAttackEventTriggered{ReferenceKind::Attack, "T1546", "Event Triggered Execution"};
constexpr Reference kNsaAuditing{ReferenceKind::Nsa, "logging-and-threat-detection",
                                 "NSA/CISA Kubernetes Hardening Guidance: Audit logging and threat detection"};

std::vector<std::string_view> pod_kinds() { return {"audit:pods", "audit:workloads"}; }

const RuleMeta kContainerAdded{
    .id = "KG-AUD-001",
    .slug = "audit-container-added",
    .title = "A write adds a container to a running pod or a workload",
    .severity = Severity::Critical,
    .family = "AUD",
    .kinds = pod_kinds(),
    .rationale =
        "An update or patch (strategic merge, JSON patch, merge patch, server-side apply or a full PUT) that leaves "
        "a pod template or pod with a container it did not have before is the sidecar-injection move of scenario "
        "S1: the new container shares the pod's network, volumes and service account. The detector compares the "
        "object stored after the write (responseObject) with the last state it saw of the same object; when it has "
        "not seen it, it reads the patch itself (a JSON patch `add` to a containers list, or a container named in a "
        "merge patch). A container that an approved sidecar profile explains (name, image repository and injector "
        "annotation agree) is reported at low severity.",
    .remediation =
        "Check who wrote it (user, source address, user agent) and whether the change was planned. If not: revert "
        "the workload from its manifest, quarantine the pods, rotate the writer's credentials and remove its write "
        "access to pods and workloads.",
    .references = {ref::kSidecarInjection, kNewContainer, kBackdoorContainer, ref::kAttackDeployContainer,
                   ref::kAttackResourceHijacking, ref::kLeastPrivilege, kNsaAuditing},
};
constexpr SeverityCase kContainerAddedCases[] = {
    {"approved", Severity::Low,
     "an approved sidecar profile explains the container (name, image repository and injector annotation "
     "agree)"},
    {"earlier-state-unknown", Severity::High,
     "the earlier state is not in the log, so the write may have changed the container rather than added it (a "
     "miner's image stays critical)"},
};

const RuleMeta kImageChanged{
    .id = "KG-AUD-002",
    .slug = "audit-image-changed",
    .title = "A write changes a container's image in a pod or workload",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = pod_kinds(),
    .rationale =
        "`kubectl set image`, a patch or an edit that points an existing container at another image runs new code "
        "under the workload's identity (scenario S1: the last container's image swapped for a miner). A container "
        "image is mutable even in a running pod. Another repository is high; a new tag or digest of the same "
        "repository is a rollout and is noted at low. Known miner images raise the alert to critical; an approved "
        "sidecar moving to an image outside its profile's repositories is critical too (scenario S5).",
    .remediation =
        "Compare the new image with the release record; if it is not a planned rollout, roll back, quarantine the "
        "pods and restrict who may patch workloads. Admit only signed images from trusted registries.",
    .references = {ref::kSidecarInjection, kBackdoorContainer, ref::kGateImages, ref::kAttackDeployContainer,
                   ref::kAttackResourceHijacking, kNsaAuditing},
};
constexpr SeverityCase kImageChangedCases[] = {
    {"same-repository", Severity::Low, "the new image is another tag or digest of the same repository (a rollout)"},
    {"approved", Severity::Low, "an approved sidecar profile explains the new image"},
    {"miner", Severity::Critical, "the new image is a known miner's"},
    {"sidecar-off-profile", Severity::Critical,
     "an approved sidecar's name now runs an image outside its profile's repositories"},
};

const RuleMeta kCommandChanged{
    .id = "KG-AUD-003",
    .slug = "audit-command-changed",
    .title = "A write changes a container's command or arguments",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = pod_kinds(),
    .rationale =
        "Changing `command` or `args` keeps the trusted image but makes it run something else, for instance a "
        "shell that downloads a payload. Arguments are shown with values that look like credentials redacted.",
    .remediation = "Revert the workload from its manifest and find out who changed the command and why.",
    .references = {ref::kSidecarInjection, kBackdoorContainer, kAttackContainerAdmin, kNsaAuditing},
};
constexpr SeverityCase kCommandChangedCases[] = {
    {"approved", Severity::Low, "an approved sidecar profile explains the container"},
};

const RuleMeta kPodWriteUnseen{
    .id = "KG-AUD-004",
    .slug = "audit-pod-write-unseen",
    .title = "A pod or workload was changed, but the audit level hides what changed",
    .severity = Severity::Medium,
    .family = "AUD",
    .kinds = pod_kinds(),
    .rationale =
        "At the Metadata level the audit log records that a pod or workload was patched or replaced but not the "
        "body: a container could have been added or an image swapped. This is the same write KG-AUD-001/002/003 "
        "would judge, flagged with lower confidence. Controllers of the control plane are not reported.",
    .remediation =
        "Log pods and workloads at RequestResponse (or at least Request) in the audit policy so the content of "
        "writes can be judged; meanwhile, check the object's current spec.",
    .references = {ref::kSidecarInjection, kNsaAuditing},
};

const RuleMeta kInjectedAtAdmission{
    .id = "KG-AUD-005",
    .slug = "audit-container-injected-at-admission",
    .title = "A container appeared between the request and the stored object (mutating admission)",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = pod_kinds(),
    .rationale =
        "When a pod or workload is created or written, the audit event holds both what the client sent and what "
        "was stored. A container in the stored object but not in the request was added by a mutating admission "
        "webhook: legitimate for istio or linkerd (their profiles approve the container), the effect of scenario "
        "S4's rogue webhook otherwise. Pods the controllers create (ReplicaSet, Job, DaemonSet, StatefulSet...) "
        "are compared the same way, with the controller's request or, when the log lacks it, with the owner's "
        "template as the log last showed it; one alert per pod template and injected shape.",
    .remediation =
        "List MutatingWebhookConfigurations, find the webhook that added it and remove it if it is not approved; "
        "approve legitimate injectors with approvedSidecars / approvedWebhooks in .kubeguard.yaml.",
    .references = {ref::kSidecarInjection, kMaliciousAdmissionController, kAttackEventTriggered, kNsaAuditing},
};

const RuleMeta kEphemeralContainer{
    .id = "KG-AUD-006",
    .slug = "audit-ephemeral-container",
    .title = "An ephemeral container was added to a running pod",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = {"audit:pods/ephemeralcontainers"},
    .rationale =
        "A write to pods/ephemeralcontainers (`kubectl debug`) starts a new container inside a running pod, with "
        "its network, process namespace (when targeted) and volumes; it never appears in the workload's template "
        "(scenario S3).",
    .remediation =
        "Confirm the debugging session with its owner; restrict update on pods/ephemeralcontainers to the people "
        "who debug production.",
    .references = {ref::kSidecarInjection, kNewContainer, kAttackContainerAdmin, ref::kAttackDeployContainer,
                   kNsaAuditing},
};
constexpr SeverityCase kEphemeralContainerCases[] = {
    {"denied", Severity::Low, "the request was denied"},
};

const RuleMeta kServiceAccountPodWrite{
    .id = "KG-AUD-008",
    .slug = "audit-service-account-pod-write",
    .title = "A service account creates or changes pods or workloads",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = pod_kinds(),
    .rationale =
        "Applications rarely write pods or workloads; a service-account token used to do so (with curl, kubectl or "
        "a script from inside a pod: scenario S2) is how a compromised pod spreads. The control plane's own "
        "controllers (kube-system service accounts) are not reported. A kubectl or curl user agent and an "
        "in-cluster (private) source address are noted in the evidence. Scaling (the scale subresource) is noted "
        "at low.",
    .remediation =
        "Check whether this service account is a deployment tool; if not, revoke its write access to pods and "
        "workloads, rotate its tokens and inspect the pod it runs in.",
    .references = {ref::kContainerServiceAccount, ref::kAttackValidAccounts, ref::kAttackStealToken,
                   ref::kLeastPrivilege, kNsaAuditing},
};
constexpr SeverityCase kServiceAccountPodWriteCases[] = {
    {"scale", Severity::Low, "the write is to the scale subresource"},
    {"failed", Severity::Medium, "the write was authorised but failed"},
    {"denied", Severity::Low, "the request was denied"},
};

const RuleMeta kRiskyPodAdmitted{
    .id = "KG-AUD-017",
    .slug = "audit-risky-pod-admitted",
    .title = "A pod or workload with host access or privileges was admitted",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = pod_kinds(),
    .rationale =
        "The object a user created or replaced is judged by the same catalog as `kubeguard scan`: privileged "
        "containers, hostPath volumes, host namespaces and every other rule of high or critical severity. The alert "
        "lists the scan rules that fired. A hardening field left unset (runAsNonRoot, allowPrivilegeEscalation) "
        "is left out, as nearly every pod has one; set explicitly to root or to allow escalation it is kept, as in "
        "scan. Pods the controllers create are judged too, once per pod template (owner, template hash, "
        "containers), so a privileged pod of a Deployment written before the log began is still seen; in a system "
        "namespace a controller's pod is reported at medium, its owner's write at full severity.",
    .remediation = "See the remediation of each listed scan rule (`kubeguard rules KG-POD-...`).",
    .references = {ref::kPrivilegedContainer, ref::kWritableHostPath, ref::kAttackEscapeToHost,
                   ref::kPodSecurityStandards, kNsaAuditing},
};
constexpr SeverityCase kRiskyPodAdmittedCases[] = {
    {"critical-finding", Severity::Critical, "a scan finding of critical severity is among them"},
    {"system-namespace-pod", Severity::Medium,
     "a controller's pod in a system namespace (its owner's write is judged in full)"},
};

const RuleMeta kPodInSystemNamespace{
    .id = "KG-AUD-019",
    .slug = "audit-pod-in-system-namespace",
    .title = "A user creates a pod or workload in a system namespace",
    .severity = Severity::Medium,
    .family = "AUD",
    .kinds = pod_kinds(),
    .rationale =
        "kube-system, kube-public, kube-node-lease and the managed clouds' own namespaces (gke-managed-*, "
        "gmp-system, amazon-cloudwatch, aks-command...; more with audit.systemNamespaces in .kubeguard.yaml) hold "
        "the platform's workloads and most privileged service accounts; a pod created there by anyone but the "
        "control plane can borrow them and hides among system pods.",
    .remediation = "Verify the change with the cluster's operators; run applications in their own namespaces.",
    .references = {ref::kAttackDeployContainer, ref::kLeastPrivilege, kNsaAuditing},
};

}  // namespace

GradedRule workload_rule(AudRule rule) {
  switch (rule) {
    case AudRule::ContainerAdded: return {&kContainerAdded, kContainerAddedCases};
    case AudRule::ImageChanged: return {&kImageChanged, kImageChangedCases};
    case AudRule::CommandChanged: return {&kCommandChanged, kCommandChangedCases};
    case AudRule::PodWriteUnseen: return {&kPodWriteUnseen, {}};
    case AudRule::InjectedAtAdmission: return {&kInjectedAtAdmission, {}};
    case AudRule::EphemeralContainer: return {&kEphemeralContainer, kEphemeralContainerCases};
    case AudRule::ServiceAccountPodWrite: return {&kServiceAccountPodWrite, kServiceAccountPodWriteCases};
    case AudRule::RiskyPodAdmitted: return {&kRiskyPodAdmitted, kRiskyPodAdmittedCases};
    case AudRule::PodInSystemNamespace: return {&kPodInSystemNamespace, {}};
    default: return {};
  }
}

}  // namespace kg::rules::aud
