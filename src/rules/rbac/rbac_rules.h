// The RBAC family: permissions that hand over pods, secrets or the cluster,
// read from the Roles, ClusterRoles and bindings of the input. Inventory
// rules: a binding and its role may sit in different files.
#pragma once

#include <span>
#include <string_view>

#include "rbac/inject.h"
#include "rbac/policy.h"
#include "rules/catalog.h"

namespace kg::rules {
struct GradedRule;  // rules/severity_case.h
}  // namespace kg::rules

namespace kg::rules::rbac_rules {

inline constexpr Reference kCisMinimizeWildcards{ReferenceKind::Cis, "5.1.3",
                                                 "Minimize wildcard use in Roles and ClusterRoles"};
inline constexpr Reference kCisClusterAdmin{ReferenceKind::Cis, "5.1.1",
                                            "Ensure that the cluster-admin role is only used where required"};
inline constexpr Reference kCisSecrets{ReferenceKind::Cis, "5.1.2", "Minimize access to secrets"};
inline constexpr Reference kCisCreatePods{ReferenceKind::Cis, "5.1.4", "Minimize access to create pods"};
inline constexpr Reference kCisDefaultSa{ReferenceKind::Cis, "5.1.5",
                                         "Ensure that default service accounts are not actively used"};
inline constexpr Reference kCisSaTokens{ReferenceKind::Cis, "5.1.6",
                                        "Ensure that Service Account Tokens are only mounted where necessary"};
inline constexpr Reference kCisEscalation{ReferenceKind::Cis, "5.1.8",
                                          "Limit use of the Bind, Impersonate and Escalate permissions"};
inline constexpr Reference kCisWebhooks{ReferenceKind::Cis, "5.1.12",
                                        "Minimize access to webhook configuration objects"};
inline constexpr Reference kCisTokenCreate{ReferenceKind::Cis, "5.1.13",
                                           "Minimize access to the service account token creation"};
inline constexpr Reference kCisCsr{ReferenceKind::Cis, "5.1.11",
                                   "Minimize access to the approval sub-resource of certificatesigningrequests"};
inline constexpr Reference kCisNodesProxy{ReferenceKind::Cis, "5.1.10",
                                          "Minimize access to the proxy sub-resource of nodes"};
inline constexpr Reference kExecIntoContainer{ReferenceKind::ThreatMatrix, "MS-TA9006", "Exec into container"};
inline constexpr Reference kNewContainer{ReferenceKind::ThreatMatrix, "MS-TA9008", "New container"};
inline constexpr Reference kClusterAdminBinding{ReferenceKind::ThreatMatrix, "MS-TA9019", "Cluster-admin binding"};
inline constexpr Reference kListSecrets{ReferenceKind::ThreatMatrix, "MS-TA9025", "List Kubernetes secrets"};
inline constexpr Reference kAccessKubeletApi{ReferenceKind::ThreatMatrix, "MS-TA9030", "Access Kubelet API"};
inline constexpr Reference kAdmissionController{ReferenceKind::ThreatMatrix, "MS-TA9015",
                                                "Malicious admission controller"};
inline constexpr Reference kAttackContainerAdmin{ReferenceKind::Attack, "T1609", "Container Administration Command"};
inline constexpr Reference kAttackEventTriggered{ReferenceKind::Attack, "T1546", "Event Triggered Execution"};
inline constexpr Reference kAttackAbuseElevation{ReferenceKind::Attack, "T1548", "Abuse Elevation Control Mechanism"};
inline constexpr Reference kAttackAccountManipulation{ReferenceKind::Attack, "T1098", "Account Manipulation"};
inline constexpr Reference kAttackCredentialsFiles{ReferenceKind::Attack, "T1552.007",
                                                   "Unsecured Credentials: Container API"};
inline constexpr Reference kNsaRbac{ReferenceKind::Nsa, "authentication-authorization",
                                    "NSA/CISA Kubernetes Hardening Guidance: Authentication and authorization"};

// What a permission rule looks for: any of `needs`, described as `what`.
struct GrantQuery {
  std::span<const rbac::Need> needs;
  std::string_view what;  // "create pods or pod controllers"
  // Severity rises to critical when the permission reaches kube-system
  // (a Role or RoleBinding there, or a ClusterRoleBinding).
  bool worse_in_kube_system = false;
};

// Reports each rule of a non-bootstrap Role or ClusterRole that grants one
// of the needs, and each non-bootstrap binding of a bootstrap role that does
// (cluster-admin bindings excepted: KG-RBAC-014 reports them).
void report_grants(const InventoryContext& ctx, InventoryEmitter& out, const GrantQuery& query);

// Whether a policy rule grants the need (on some object: a rule limited to
// resourceNames grants verbs that name an object, never create or list).
bool rule_grants(const rbac::PolicyRule& rule, const rbac::Need& need);

// Whether these rules (a role's, aggregation included) allow every verb on
// every resource of every API group, as cluster-admin does: "*" or all of get,
// list, watch, create, update, patch and delete, on "*" resources of "*"
// groups, without resourceNames, possibly spread over several rules.
bool grants_everything(const std::vector<rbac::RuleRef>& rules);

// "bound by RoleBinding ns/b to ServiceAccount ns/sa; ..." or "not bound in the input".
std::string holders(const std::vector<const rbac::Binding*>& bindings);

void register_create_pods(Catalog& catalog);
void register_patch_workloads(Catalog& catalog);
void register_pods_exec(Catalog& catalog);
void register_pods_attach(Catalog& catalog);
void register_ephemeral_containers(Catalog& catalog);
void register_webhook_config_write(Catalog& catalog);
void register_escalate(Catalog& catalog);
void register_bind(Catalog& catalog);
void register_impersonate(Catalog& catalog);
void register_token_create(Catalog& catalog);
void register_secrets_read(Catalog& catalog);
void register_nodes_proxy(Catalog& catalog);
void register_wildcard(Catalog& catalog);
void register_cluster_admin_binding(Catalog& catalog);
void register_public_subject_binding(Catalog& catalog);
void register_csr_approval(Catalog& catalog);
void register_pod_token_can_inject(Catalog& catalog);
void register_default_service_account_bound(Catalog& catalog);
void register_rbac_change(Catalog& catalog);

// KG-RBAC-019 compares two states of one role or binding: the watch evaluates it.
const RuleMeta& rbac_change_meta();
// With the severity cases the comparison names (src/engine/drift/rbac_change.cc).
GradedRule rbac_change_graded();

}  // namespace kg::rules::rbac_rules
