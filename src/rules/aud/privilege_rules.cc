// Metadata of the audit detections that judge privilege by what it grants,
// not by its name: dangerous role grants, bindings to powerful roles, RBAC
// deletes and built-in role changes, secrets read across namespaces, client
// certificates for privileged identities. The logic is in src/audit/rbac.cc,
// src/audit/access.cc and src/audit/certificates.cc.
#include "rules/aud/aud_rules.h"

namespace kg::rules::aud {
namespace {

constexpr Reference kClusterAdminBindingRef{ReferenceKind::ThreatMatrix, "MS-TA9019", "Cluster-admin binding"};
constexpr Reference kListSecrets{ReferenceKind::ThreatMatrix, "MS-TA9025", "List Kubernetes secrets"};
constexpr Reference kAttackAccountManipulation{ReferenceKind::Attack, "T1098", "Account Manipulation"};
constexpr Reference kAttackIndicatorRemoval{ReferenceKind::Attack, "T1070", "Indicator Removal"};
constexpr Reference kAttackCredentials{ReferenceKind::Attack, "T1098.001", "Additional Cloud Credentials"};
constexpr Reference kCisRbac{ReferenceKind::Cis, "5.1", "RBAC and Service Accounts"};
constexpr Reference kNsaAuditing{ReferenceKind::Nsa, "logging-and-threat-detection",
                                 "NSA/CISA Kubernetes Hardening Guidance: Audit logging and threat detection"};

const RuleMeta kDangerousRoleGrant{
    .id = "KG-AUD-020",
    .slug = "audit-dangerous-role-grant",
    .title = "A role granting a dangerous permission was created or changed",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = {"audit:roles", "audit:clusterroles"},
    .rationale =
        "Some permissions are a step to the whole cluster whatever the role is called: nodes/proxy (the kubelet "
        "API, exec in any pod of the node), pods/exec and pods/attach (a shell with the pod's token), "
        "serviceaccounts/token (a token for any account of the namespace), reading secrets cluster-wide, writing "
        "admission webhook configurations (every object passes through them), approving or signing certificate "
        "signing requests (a client certificate for any identity). The grant is read from the role's rules, "
        "wildcards included.",
    .remediation =
        "Grant these only to the components that need them; split the role so applications do not hold them.",
    .references = {ref::kLeastPrivilege, kAttackAccountManipulation, kCisRbac, kNsaAuditing},
};

const RuleMeta kDangerousBinding{
    .id = "KG-AUD-021",
    .slug = "audit-dangerous-binding",
    .title = "A binding grants a powerful role (admin, exec, secrets, tokens) or binds a broad group",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = {"audit:clusterrolebindings", "audit:rolebindings"},
    .rationale =
        "A binding is where a grant takes effect. Bindings to the built-in admin and edit roles (exec into pods, "
        "read secrets, impersonate service accounts) or to a role the log showed granting a dangerous permission "
        "are reported: critical when cluster-wide or in a system namespace, high in an application namespace. "
        "Binding anything to system:authenticated, system:unauthenticated or every service account hands it to "
        "every caller. A binding to a role that grants everything is KG-AUD-010.",
    .remediation = "Bind the narrowest role to the named subject that needs it, in the namespace it needs it in.",
    .references = {kClusterAdminBindingRef, ref::kLeastPrivilege, kAttackAccountManipulation, kCisRbac, kNsaAuditing},
};
constexpr SeverityCase kDangerousBindingCases[] = {
    {"broad", Severity::Critical,
     "the role grants a dangerous permission and the binding is cluster-wide, in a system namespace, or names "
     "broad subjects (all authenticated users, all service accounts)"},
};

const RuleMeta kRbacDeleteOrBuiltinChange{
    .id = "KG-AUD-022",
    .slug = "audit-rbac-delete-or-builtin-change",
    .title = "An RBAC object was deleted, or a built-in role or binding was changed",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = {"audit:roles", "audit:clusterroles", "audit:rolebindings", "audit:clusterrolebindings"},
    .rationale =
        "The built-in roles and bindings (labelled kubernetes.io/bootstrapping: rbac-defaults; cluster-admin, "
        "admin, edit, view and the system: ones) are what every component relies on: changing one by hand widens "
        "or breaks every subject bound to it, and deleting one can hide a trail or take a component down (high). "
        "Other RBAC deletes by a person are noted at low severity: RBAC only adds permissions, so a delete "
        "removes access, but a delete right after an intrusion also removes its evidence.",
    .remediation =
        "Restore the built-in object (the API server reconciles the defaults on restart); review who deleted what.",
    .references = {ref::kLeastPrivilege, kAttackAccountManipulation, kAttackIndicatorRemoval, kCisRbac, kNsaAuditing},
};
constexpr SeverityCase kRbacDeleteOrBuiltinChangeCases[] = {
    {"not-built-in", Severity::Low, "a deleted role or binding that is not a built-in one"},
};

const RuleMeta kSecretsAcrossNamespaces{
    .id = "KG-AUD-023",
    .slug = "audit-secrets-across-namespaces",
    .title = "Secrets were listed or read across namespaces",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = {"audit:secrets"},
    .rationale =
        "Listing secrets cluster-wide (`kubectl get secrets -A -o yaml`), or namespace after namespace within the "
        "correlation window, dumps every credential of the cluster at once: users and service accounts alike. The "
        "control plane's own informers are not reported. Secret values never appear in the alert.",
    .remediation = "Confirm who dumped the secrets and why; rotate them if the caller is not a known backup job.",
    .references = {kListSecrets, ref::kAttackUnsecuredCredentials, ref::kLeastPrivilege, kNsaAuditing},
};

const RuleMeta kPrivilegedCertificate{
    .id = "KG-AUD-024",
    .slug = "audit-privileged-client-certificate",
    .title = "A client certificate for a privileged identity was requested or approved",
    .severity = Severity::High,
    .family = "AUD",
    .kinds = {"audit:certificatesigningrequests", "audit:certificatesigningrequests/approval"},
    .rationale =
        "A client certificate signed by the cluster's CA is a credential that outlives every token and cannot "
        "be revoked: a CSR whose subject puts the holder in system:masters (or another privileged group) or "
        "names a control-plane identity is persistence with full rights (high when requested, critical when "
        "approved). Approvals of other client CSRs by a person are noted at medium; the controller manager's "
        "automatic approval of kubelet certificates is not reported.",
    .remediation =
        "Deny or delete the CSR; if a privileged one was approved and issued, rotate the cluster CA (the "
        "certificate cannot be revoked); restrict update on certificatesigningrequests/approval and approve on "
        "signers.",
    .references = {kAttackCredentials, kAttackAccountManipulation, ref::kLeastPrivilege, kCisRbac, kNsaAuditing},
};
constexpr SeverityCase kPrivilegedCertificateCases[] = {
    {"approved-privileged", Severity::Critical, "a privileged certificate signing request was approved"},
    {"approved", Severity::Medium,
     "a certificate signing request was approved whose subject is not privileged or not in the log"},
};

}  // namespace

GradedRule privilege_rule(AudRule rule) {
  switch (rule) {
    case AudRule::DangerousRoleGrant: return {&kDangerousRoleGrant, {}};
    case AudRule::DangerousBinding: return {&kDangerousBinding, kDangerousBindingCases};
    case AudRule::RbacDeleteOrBuiltinChange: return {&kRbacDeleteOrBuiltinChange, kRbacDeleteOrBuiltinChangeCases};
    case AudRule::SecretsAcrossNamespaces: return {&kSecretsAcrossNamespaces, {}};
    case AudRule::PrivilegedCertificate: return {&kPrivilegedCertificate, kPrivilegedCertificateCases};
    default: return {};
  }
}

}  // namespace kg::rules::aud
