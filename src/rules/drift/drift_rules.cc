#include "rules/drift/drift_rules.h"

namespace kg::rules {
namespace drift {
namespace {

constexpr Reference kNewContainer{ReferenceKind::ThreatMatrix, "MS-TA9008", "New container"};
constexpr Reference kExecIntoContainer{ReferenceKind::ThreatMatrix, "MS-TA9006", "Exec into container"};
constexpr Reference kBackdoorContainer{ReferenceKind::ThreatMatrix, "MS-TA9012", "Backdoor container"};
constexpr Reference kMaliciousAdmissionController{ReferenceKind::ThreatMatrix, "MS-TA9015",
                                                  "Malicious admission controller"};
constexpr Reference kClusterAdminBinding{ReferenceKind::ThreatMatrix, "MS-TA9019", "Cluster-admin binding"};
constexpr Reference kRestrictExec{ReferenceKind::ThreatMatrix, "MS-M9010", "Restrict Exec Commands on Pods"};
constexpr Reference kAttackContainerAdmin{ReferenceKind::Attack, "T1609", "Container Administration Command"};
constexpr Reference kAttackSystemProcess{ReferenceKind::Attack, "T1543", "Create or Modify System Process"};
constexpr Reference kAttackEventTriggered{ReferenceKind::Attack, "T1546", "Event Triggered Execution"};
constexpr Reference kAttackMasquerading{ReferenceKind::Attack, "T1036.005",
                                        "Masquerading: Match Legitimate Name or Location"};
constexpr Reference kNsaAuditing{ReferenceKind::Nsa, "logging-and-threat-detection",
                                 "NSA/CISA Kubernetes Hardening Guidance: Audit logging and threat detection"};

// The container rules read a live object with a pod spec and the manifest (or
// live owner) whose template it should match.
std::vector<std::string_view> workload_kinds() { return {"pod-bearing"}; }

const RuleMeta kContainerAdded{
    .id = "KG-DRIFT-001",
    .slug = "drift-container-added",
    .title = "Live workload runs a container its manifest does not declare",
    .severity = Severity::Critical,
    .family = "DRIFT",
    .kinds = workload_kinds(),
    .rationale =
        "A container present in the live pod (or live pod template) but in neither the manifest nor its owner's "
        "template was added after review: by `kubectl patch`/`edit`/`apply` on the workload, by a write to the pod, "
        "or by a mutating webhook. Containers that an approved injector adds (istio-proxy, linkerd-proxy, vault "
        "agent...: name, image repository and injector annotation all agree) are expected and not reported. "
        "Anything else shares the pod's network, volumes and service account: the classic way to hide a miner or "
        "a backdoor next to a legitimate application (scenario S1). A container that takes an approved sidecar's "
        "name with an image from another repository is reported as an impersonation.",
    .remediation =
        "Find who added it (audit log: patch/update on the workload or pod, or the webhook that mutated it). If it "
        "is not yours, re-apply the manifest, quarantine the pods for forensics, rotate the service-account "
        "credentials and remove the write access that allowed it. If it is legitimate, declare it in the manifest "
        "or approve its injector in approvedSidecars of .kubeguard.yaml.",
    .references = {ref::kSidecarInjection, kNewContainer, kBackdoorContainer, ref::kResourceHijacking,
                   ref::kLeastPrivilege, ref::kGateImages, ref::kAttackDeployContainer, ref::kAttackResourceHijacking,
                   kAttackMasquerading},
};
constexpr SeverityCase kContainerAddedCases[] = {
    {"looks-like-sidecar", Severity::High,
     "the container looks like an approved sidecar (name and image) but the injector's annotation does not "
     "record it"},
};

const RuleMeta kImageChanged{
    .id = "KG-DRIFT-002",
    .slug = "drift-image-changed",
    .title = "Live container runs another image than its manifest",
    .severity = Severity::High,
    .family = "DRIFT",
    .kinds = workload_kinds(),
    .rationale =
        "A container's image is mutable in a running pod (`kubectl set image pod/...`) and in every workload "
        "template, and the ReplicaSet does not put a pod's image back. An image that differs from the reviewed "
        "manifest runs code nobody reviewed (scenario S1: the last container's image swapped for a miner). It is "
        "critical when an approved sidecar's image moves to a repository its profile does not approve (scenario "
        "S5, hijacked sidecar): the container keeps the trusted name and the mesh's privileges.",
    .remediation =
        "Compare the running image with the one released; if the change is not a sanctioned rollout, re-apply the "
        "manifest, keep a pod for forensics and find the writer in the audit log. Pin images by digest and admit "
        "only trusted registries so that a swap cannot be admitted.",
    .references = {ref::kSidecarInjection, kNewContainer, ref::kResourceHijacking, ref::kGateImages,
                   ref::kAttackDeployContainer, ref::kAttackResourceHijacking},
};
constexpr SeverityCase kImageChangedCases[] = {
    {"sidecar-off-profile", Severity::Critical,
     "an approved sidecar's image moved to a repository its profile does not approve"},
};

const RuleMeta kCommandChanged{
    .id = "KG-DRIFT-003",
    .slug = "drift-command-changed",
    .title = "Live container runs another command or arguments than its manifest",
    .severity = Severity::Medium,
    .family = "DRIFT",
    .kinds = workload_kinds(),
    .rationale =
        "command, args and the exec commands of lifecycle hooks decide what a trusted image does: a changed entry "
        "point runs a shell, a downloader or a miner from an image nobody suspects. It is high for approved "
        "sidecars (scenario S5): a proxy with new arguments can route traffic elsewhere or run arbitrary code "
        "with the mesh's identity.",
    .remediation =
        "Restore the declared command and arguments by re-applying the manifest, find the writer in the audit log "
        "and restrict update/patch on the workload kinds. Secret-looking argument values are masked in the message; "
        "compare the full values on the cluster.",
    .references = {ref::kSidecarInjection, kExecIntoContainer, kBackdoorContainer, kAttackContainerAdmin,
                   ref::kAttackDeployContainer},
};
constexpr SeverityCase kCommandChangedCases[] = {
    {"sidecar", Severity::High, "the container is a sidecar (an approved profile's)"},
};

const RuleMeta kEphemeralContainerAdded{
    .id = "KG-DRIFT-004",
    .slug = "drift-ephemeral-container-added",
    .title = "Live pod has an ephemeral container",
    .severity = Severity::High,
    .family = "DRIFT",
    .kinds = {"Pod"},
    .rationale =
        "`kubectl debug` (a write to pods/ephemeralcontainers) adds a container to a running pod that no manifest "
        "and no owner template declares (scenario S3). It shares the pod's network and volumes, can target another "
        "container's process namespace, and cannot be removed short of deleting the pod.",
    .remediation =
        "Confirm it was a sanctioned debugging session (audit log: user, time, image). If not, quarantine the pod, "
        "rotate its service-account credentials and restrict pods/ephemeralcontainers in RBAC.",
    .references = {ref::kSidecarInjection, kExecIntoContainer, kRestrictExec, kAttackContainerAdmin,
                   ref::kAttackDeployContainer},
};

const RuleMeta kSecurityContextChanged{
    .id = "KG-DRIFT-005",
    .slug = "drift-security-context-changed",
    .title = "Live security settings differ from the manifest",
    .severity = Severity::High,
    .family = "DRIFT",
    .kinds = workload_kinds(),
    .rationale =
        "A container's or pod's securityContext, host namespaces or service account changed after review. A "
        "change that makes the pod more permissive (privileged, capabilities added or no longer dropped, user 0, "
        "privilege escalation allowed, seccomp unconfined, host network/PID/IPC, sysctls) prepares an escape to "
        "the node and is high; a change of service account is medium; anything else is low. Values the API server "
        "fills in (an empty securityContext, privileged: false) are not changes.",
    .remediation =
        "Re-apply the manifest and find the writer in the audit log. Enforce the Pod Security Standards "
        "(restricted) on the namespace so that a permissive edit is refused at admission.",
    .references = {ref::kPrivilegedContainer, ref::kRestrictOverPermissive, ref::kPodSecurityStandards,
                   ref::kAttackEscapeToHost, ref::kNsaPodSecurity},
};
constexpr SeverityCase kSecurityContextChangedCases[] = {
    {"service-account", Severity::Medium,
     "the worst change is to the service account: another account, or its token mounted again"},
    {"not-weakened", Severity::Low, "no change weakens isolation (a field tightened, or one that does not bear on it)"},
};

const RuleMeta kContainerRemoved{
    .id = "KG-DRIFT-006",
    .slug = "drift-container-removed",
    .title = "Live workload lacks a container its manifest declares",
    .severity = Severity::Low,
    .family = "DRIFT",
    .kinds = workload_kinds(),
    .rationale =
        "A declared container missing from the live object usually means an unreviewed edit or a stale manifest; "
        "when the missing container is a security agent (log shipper, policy sidecar) it removes a control.",
    .remediation = "Re-apply the manifest, or remove the container from the manifest if the change is intended.",
    .references = {ref::kLeastPrivilege,
                   {ReferenceKind::Attack, "T1562.001", "Impair Defenses: Disable or Modify Tools"}},
};

const RuleMeta kEnvOrMountsChanged{
    .id = "KG-DRIFT-007",
    .slug = "drift-env-or-mounts-changed",
    .title = "Live environment, volumes or volume mounts differ from the manifest",
    .severity = Severity::Medium,
    .family = "DRIFT",
    .kinds = workload_kinds(),
    .rationale =
        "Environment variables (and envFrom sources), volume mounts and volumes decide what a container can read "
        "and reach: an added secretRef exposes credentials, an added hostPath volume the node's file system (high). "
        "Only variable names are shown: a value may be a secret, so a changed value is reported as changed. The "
        "service-account token volume and the volumes of approved injectors are expected and not reported.",
    .remediation =
        "Re-apply the manifest and find the writer in the audit log; keep secrets in Secret objects "
        "referenced from the manifest.",
    .references = {ref::kWritableHostPath, ref::kAppCredentialsInConfig, ref::kContainerServiceAccount,
                   ref::kAttackUnsecuredCredentials, ref::kAttackEscapeToHost},
};
constexpr SeverityCase kEnvOrMountsChangedCases[] = {
    {"host-path", Severity::High, "a volume or mount of the node's file system (hostPath) was added"},
};

const RuleMeta kObjectOnlyInLive{
    .id = "KG-DRIFT-008",
    .slug = "drift-object-only-in-live",
    .title = "Live object that no manifest declares",
    .severity = Severity::Info,
    .family = "DRIFT",
    .kinds = {"pod-bearing", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ClusterRoleBinding",
              "RoleBinding", "ClusterRole", "Role", "ServiceAccount", "Secret", "ConfigMap"},
    .rationale =
        "An object in the cluster that the desired state does not declare was created by hand or by an attacker: a "
        "mutating webhook configuration that injects into every new pod (scenario S4) or a binding that grants "
        "cluster-admin (both medium), a bare pod, a new service account. Objects that controllers and the API "
        "server create (owned objects, events, endpoints, leases, bootstrap RBAC, kube-root-ca.crt, the default "
        "service account) are not reported, and namespaced objects only in namespaces the baseline declares "
        "something in.",
    .remediation = "Find who created it (audit log); delete it if nobody owns it, or add it to the manifests.",
    .references = {kMaliciousAdmissionController, kClusterAdminBinding, kNewContainer, kAttackEventTriggered,
                   ref::kAttackValidAccounts, kAttackSystemProcess, kNsaAuditing},
};
constexpr SeverityCase kObjectOnlyInLiveCases[] = {
    {"webhook-or-binding", Severity::Medium, "the object is a MutatingWebhookConfiguration or a ClusterRoleBinding"},
};

}  // namespace

GradedRule graded(DriftRule rule) {
  switch (rule) {
    case DriftRule::ContainerAdded: return {&kContainerAdded, kContainerAddedCases};
    case DriftRule::ImageChanged: return {&kImageChanged, kImageChangedCases};
    case DriftRule::CommandChanged: return {&kCommandChanged, kCommandChangedCases};
    case DriftRule::EphemeralContainerAdded: return {&kEphemeralContainerAdded, {}};
    case DriftRule::SecurityContextChanged: return {&kSecurityContextChanged, kSecurityContextChangedCases};
    case DriftRule::ContainerRemoved: return {&kContainerRemoved, {}};
    case DriftRule::EnvOrMountsChanged: return {&kEnvOrMountsChanged, kEnvOrMountsChangedCases};
    case DriftRule::ObjectOnlyInLive: return {&kObjectOnlyInLive, kObjectOnlyInLiveCases};
  }
  return {&kObjectOnlyInLive, kObjectOnlyInLiveCases};
}

const RuleMeta& meta(DriftRule rule) { return *graded(rule).meta; }

}  // namespace drift

void register_drift_rules(Catalog& catalog) {
  for (drift::DriftRule r : drift::kAllDriftRules) catalog.add_paired_rule(drift::meta(r));
}

}  // namespace kg::rules
