// Metadata of the audit detections on admission webhooks, RBAC, tokens,
// secrets and anonymous access (S4, S7): the logic is in src/audit/access.cc
// and src/audit/webhooks.cc.
#include "rules/aud/aud_rules.h"

namespace kg::rules::aud {
namespace {

constexpr Reference kMaliciousAdmissionController{ReferenceKind::ThreatMatrix, "MS-TA9015",
                                                  "Malicious admission controller"};
constexpr Reference kClusterAdminBindingRef{ReferenceKind::ThreatMatrix, "MS-TA9019", "Cluster-admin binding"};
constexpr Reference kListSecrets{ReferenceKind::ThreatMatrix, "MS-TA9025", "List Kubernetes secrets"};
constexpr Reference kAnonymousAccess{ReferenceKind::ThreatMatrix, "MS-TA9005", "Exposed sensitive interfaces"};
constexpr Reference kAttackEventTriggered{ReferenceKind::Attack, "T1546", "Event Triggered Execution"};
constexpr Reference kAttackAccountManipulation{ReferenceKind::Attack, "T1098", "Account Manipulation"};
constexpr Reference kCisRbac{ReferenceKind::Cis, "5.1", "RBAC and Service Accounts"};
constexpr Reference kNsaAuditing{ReferenceKind::Nsa, "logging-and-threat-detection",
                                 "NSA/CISA Kubernetes Hardening Guidance: Audit logging and threat detection"};

const RuleMeta kWebhookConfigChange{
    .id = "KG-AUD-009",
    .slug = "audit-webhook-config-change",
    .title = "An admission webhook configuration was created or changed",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = {"audit:mutatingwebhookconfigurations", "audit:validatingwebhookconfigurations"},
    .rationale =
        "A MutatingWebhookConfiguration sees, and may rewrite, every object it matches: a rogue one adds a "
        "container to every new pod (scenario S4); deleting or weakening a validating one removes a control. "
        "Webhooks approved (built-in istio, linkerd, vault injectors, or approvedWebhooks in .kubeguard.yaml: "
        "name AND service or URL) are reported at info. An unapproved mutating webhook that matches pods and "
        "calls an external URL, or fails open (failurePolicy Ignore), is critical.",
    .remediation =
        "Review the webhook's target and rules; delete it if it is not a known injector or policy engine, and "
        "restrict write access to admissionregistration.k8s.io.",
    .references = {kMaliciousAdmissionController, ref::kSidecarInjection, kAttackEventTriggered, ref::kLeastPrivilege,
                   kNsaAuditing},
};
constexpr SeverityCase kWebhookConfigChangeCases[] = {
    {"approved", Severity::Info, "the webhook is approved (approvedWebhooks)"},
    {"impersonation", Severity::Critical,
     "the webhook takes an approved webhook's name but calls another service or URL"},
    {"mutates-pods-open", Severity::Critical,
     "a mutating webhook that is not approved sees pods and calls an external URL or fails open"},
    {"validates-no-pods", Severity::Medium, "a validating webhook that sees no pods or workloads"},
    {"unseen", Severity::Medium, "the configuration's content is not in the log"},
    {"mutating-deleted", Severity::Low,
     "a mutating webhook configuration was deleted (a validating one is high: a control may be gone)"},
};

const RuleMeta kClusterAdminBinding{
    .id = "KG-AUD-010",
    .slug = "audit-cluster-admin-binding",
    .title = "A binding to cluster-admin (or another wildcard role) was created or changed",
    .severity = Severity::Critical,
    .family = "AUD",
    .kinds = {"audit:clusterrolebindings", "audit:rolebindings"},
    .rationale =
        "Binding cluster-admin to a user, group or service account hands it every permission in the cluster: the "
        "shortest path from one stolen token to every node. Judged by content: a binding to any role that grants "
        "every verb on every resource (as the log showed it, whatever its name) is reported the same way.",
    .remediation = "Remove the binding unless it is a documented break-glass account; grant narrow roles instead.",
    .references = {kClusterAdminBindingRef, ref::kLeastPrivilege, kAttackAccountManipulation, kCisRbac, kNsaAuditing},
};

const RuleMeta kWildcardRole{
    .id = "KG-AUD-011",
    .slug = "audit-wildcard-role",
    .title = "A role granting '*' verbs or resources was created or changed",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = {"audit:roles", "audit:clusterroles"},
    .rationale =
        "A wildcard in verbs, resources or API groups grants today's and tomorrow's permissions alike; every verb "
        "on every resource of every group is cluster-admin under another name (critical).",
    .remediation = "List the verbs and resources the subject needs (CIS 5.1.3).",
    .references = {ref::kLeastPrivilege, kAttackAccountManipulation, kCisRbac, kNsaAuditing},
};
constexpr SeverityCase kWildcardRoleCases[] = {
    {"everything", Severity::Critical, "the role grants every verb on every resource"},
};

const RuleMeta kEscalationVerbs{
    .id = "KG-AUD-012",
    .slug = "audit-rbac-escalation-verbs",
    .title = "A role granting escalate, bind or impersonate was created or changed",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = {"audit:roles", "audit:clusterroles"},
    .rationale =
        "`escalate` lets a subject write roles with permissions it does not hold, `bind` lets it bind any role, "
        "`impersonate` lets it act as any user or group: each is privilege escalation by design.",
    .remediation = "Keep these verbs to cluster administrators; remove them from application roles.",
    .references = {ref::kLeastPrivilege, kAttackAccountManipulation, kCisRbac, kNsaAuditing},
};

const RuleMeta kImpersonationUsed{
    .id = "KG-AUD-013",
    .slug = "audit-impersonation-used",
    .title = "A request was made while impersonating another user",
    .severity = Severity::Medium,
    .family = "AUD",
    .kinds = {"audit:*"},
    .rationale =
        "Impersonation (Impersonate-User headers, `kubectl --as`) makes the request run with another identity; "
        "writes made so hide the real actor behind the impersonated one.",
    .remediation = "Confirm the impersonation was expected; restrict the impersonate verb.",
    .references = {ref::kAttackValidAccounts, ref::kLeastPrivilege, kNsaAuditing},
};

const RuleMeta kTokenRequest{
    .id = "KG-AUD-014",
    .slug = "audit-token-request",
    .title = "A service-account token was requested (TokenRequest)",
    .severity = Severity::Medium,
    .family = "AUD",
    .kinds = {"audit:serviceaccounts/token"},
    .rationale =
        "A TokenRequest mints a fresh credential for a service account; by someone other than the kubelet or the "
        "control plane, it is a way to persist or to move to a more privileged account; for an account of a system "
        "namespace (a controller's) it is high.",
    .remediation = "Check who asked and why; restrict create on serviceaccounts/token.",
    .references = {ref::kContainerServiceAccount, ref::kAttackStealToken, ref::kLeastPrivilege, kNsaAuditing},
};
constexpr SeverityCase kTokenRequestCases[] = {
    {"system-account", Severity::High, "the token is for a service account of a system namespace"},
};

const RuleMeta kSecretReadByServiceAccount{
    .id = "KG-AUD-015",
    .slug = "audit-secret-read-by-service-account",
    .title = "A service account read or listed secrets",
    .severity = Severity::Medium,
    .family = "AUD",
    .kinds = {"audit:secrets"},
    .rationale =
        "Secrets read through the API by a workload's service account are a common next step after a pod is "
        "compromised; listing them (high) reads every secret of the namespace at once. Control-plane service "
        "accounts are not reported. Secret values never appear in the alert.",
    .remediation = "Mount the secrets the workload needs instead of granting get/list on secrets.",
    .references = {kListSecrets, ref::kAttackUnsecuredCredentials, ref::kLeastPrivilege, kNsaAuditing},
};
constexpr SeverityCase kSecretReadByServiceAccountCases[] = {
    {"bulk", Severity::High, "the service account lists or watches secrets rather than getting one"},
};

const RuleMeta kAnonymousAllowed{
    .id = "KG-AUD-016",
    .slug = "audit-anonymous-allowed",
    .title = "An anonymous request was allowed",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = {"audit:*"},
    .rationale =
        "system:anonymous (group system:unauthenticated) should reach nothing but the public health and version "
        "endpoints; anything else allowed means a binding grants access to the whole network.",
    .remediation = "Remove bindings to system:anonymous / system:unauthenticated; consider --anonymous-auth=false.",
    .references = {kAnonymousAccess, ref::kLeastPrivilege, kCisRbac, kNsaAuditing},
};

}  // namespace

GradedRule access_rule(AudRule rule) {
  switch (rule) {
    case AudRule::WebhookConfigChange: return {&kWebhookConfigChange, kWebhookConfigChangeCases};
    case AudRule::ClusterAdminBinding: return {&kClusterAdminBinding, {}};
    case AudRule::WildcardRole: return {&kWildcardRole, kWildcardRoleCases};
    case AudRule::EscalationVerbs: return {&kEscalationVerbs, {}};
    case AudRule::ImpersonationUsed: return {&kImpersonationUsed, {}};
    case AudRule::TokenRequest: return {&kTokenRequest, kTokenRequestCases};
    case AudRule::SecretReadByServiceAccount: return {&kSecretReadByServiceAccount, kSecretReadByServiceAccountCases};
    case AudRule::AnonymousAllowed: return {&kAnonymousAllowed, {}};
    default: return {};
  }
}

}  // namespace kg::rules::aud
