// Rule metadata: what every rule carries beside its logic, and what drives
// `kubeguard rules`, docs/rules.md and the SARIF rule descriptors.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kg::rules {

enum class Severity : uint8_t { Info, Low, Medium, High, Critical };

std::string_view severity_name(Severity severity);
std::optional<Severity> parse_severity(std::string_view text);

enum class ReferenceKind : uint8_t { ThreatMatrix, Attack, Pss, Cis, Nsa, Other };

std::string_view reference_kind_name(ReferenceKind kind);

struct Reference {
  ReferenceKind kind;
  std::string_view id;     // "MS-TA9011", "T1610", "baseline/privileged", "5.2.1", ...
  std::string_view title;  // human name of the technique, control or section
};

struct Settings;

struct RuleMeta {
  std::string_view id;    // KG-<FAMILY>-<NNN>
  std::string_view slug;  // kebab-case name, accepted wherever an ID is
  std::string_view title;
  Severity severity;
  std::string_view family;              // POD, PSS, SC, IMG, WH, RBAC, NET, NS, SEC, DRIFT, AUD
  std::vector<std::string_view> kinds;  // kinds the rule reads; "pod-bearing" for every workload kind
  std::string_view rationale;
  std::string_view remediation;
  std::vector<Reference> references;
  // Says why the rule cannot report anything under these settings (e.g. no
  // trusted registries configured); the scan shows it once as a notice.
  std::string_view (*inactive_reason)(const Settings& settings) = nullptr;
};

// Common references, so the same technique is named the same way everywhere.
namespace ref {
inline constexpr Reference kPrivilegedContainer{ReferenceKind::ThreatMatrix, "MS-TA9018", "Privileged container"};
inline constexpr Reference kWritableHostPath{ReferenceKind::ThreatMatrix, "MS-TA9013", "Writable hostPath mount"};
inline constexpr Reference kSidecarInjection{ReferenceKind::ThreatMatrix, "MS-TA9011", "Sidecar injection"};
inline constexpr Reference kContainerServiceAccount{ReferenceKind::ThreatMatrix, "MS-TA9016",
                                                    "Container service account"};
inline constexpr Reference kAppCredentialsInConfig{ReferenceKind::ThreatMatrix, "MS-TA9027",
                                                   "Application credentials in configuration files"};
inline constexpr Reference kClusterInternalNetworking{ReferenceKind::ThreatMatrix, "MS-TA9034",
                                                      "Cluster internal networking"};
inline constexpr Reference kResourceHijacking{ReferenceKind::ThreatMatrix, "MS-TA9039", "Resource hijacking"};
inline constexpr Reference kDenialOfService{ReferenceKind::ThreatMatrix, "MS-TA9040", "Denial of service"};
inline constexpr Reference kRestrictOverPermissive{ReferenceKind::ThreatMatrix, "MS-M9013",
                                                   "Restrict over permissive containers"};
inline constexpr Reference kPodSecurityStandards{ReferenceKind::ThreatMatrix, "MS-M9017",
                                                 "Ensure that pods meet defined Pod Security Standards"};
inline constexpr Reference kRequestsAndLimits{ReferenceKind::ThreatMatrix, "MS-M9029",
                                              "Set requests and limits for containers"};
inline constexpr Reference kDisableSaAutomount{ReferenceKind::ThreatMatrix, "MS-M9025",
                                               "Disable Service Account Auto Mount"};
inline constexpr Reference kNetworkSegmentation{ReferenceKind::ThreatMatrix, "MS-M9014", "Network Segmentation"};
inline constexpr Reference kLeastPrivilege{ReferenceKind::ThreatMatrix, "MS-M9003",
                                           "Adhere to least-privilege principle"};
inline constexpr Reference kRestrictLsm{ReferenceKind::ThreatMatrix, "MS-M9011",
                                        "Restrict Container Runtime using LSM"};
inline constexpr Reference kPlainTextCredentials{ReferenceKind::ThreatMatrix, "MS-M9026",
                                                 "Avoid using plain text credentials in configuration files"};
inline constexpr Reference kManagedSecretStore{ReferenceKind::ThreatMatrix, "MS-M9022", "Use Managed Secret Store"};
inline constexpr Reference kGateImages{ReferenceKind::ThreatMatrix, "MS-M9005.003",
                                       "Gate images deployed to Kubernetes cluster"};
inline constexpr Reference kAttackEscapeToHost{ReferenceKind::Attack, "T1611", "Escape to Host"};
inline constexpr Reference kAttackDeployContainer{ReferenceKind::Attack, "T1610", "Deploy Container"};
inline constexpr Reference kAttackResourceHijacking{ReferenceKind::Attack, "T1496", "Resource Hijacking"};
inline constexpr Reference kAttackUnsecuredCredentials{ReferenceKind::Attack, "T1552.007",
                                                       "Unsecured Credentials: Container API"};
inline constexpr Reference kAttackStealToken{ReferenceKind::Attack, "T1528", "Steal Application Access Token"};
inline constexpr Reference kAttackValidAccounts{ReferenceKind::Attack, "T1078", "Valid Accounts"};
inline constexpr Reference kAttackNetworkDiscovery{ReferenceKind::Attack, "T1046", "Network Service Discovery"};
inline constexpr Reference kAttackEndpointDos{ReferenceKind::Attack, "T1499", "Endpoint Denial of Service"};
inline constexpr Reference kNsaPodSecurity{ReferenceKind::Nsa, "pod-security",
                                           "NSA/CISA Kubernetes Hardening Guidance: Kubernetes Pod security"};
inline constexpr Reference kNsaNetworkSeparation{ReferenceKind::Nsa, "network-separation",
                                                 "NSA/CISA Kubernetes Hardening Guidance: Network separation"};
}  // namespace ref

}  // namespace kg::rules
