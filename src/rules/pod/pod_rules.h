// The POD family: pod and container hardening. One file per rule (or per
// tightly related pair); each registers itself here.
#pragma once

#include <fmt/format.h>

#include "rules/catalog.h"
#include "rules/pod/pod_support.h"

namespace kg::rules::pod {

// References several POD rules share.
inline constexpr Reference kArpPoisoning{ReferenceKind::ThreatMatrix, "MS-TA9036", "ARP poisoning and IP spoofing"};
inline constexpr Reference kNewContainer{ReferenceKind::ThreatMatrix, "MS-TA9008", "New container"};
inline constexpr Reference kAccessKubeletApi{ReferenceKind::ThreatMatrix, "MS-TA9030", "Access Kubelet API"};
inline constexpr Reference kExposedInterfaces{ReferenceKind::ThreatMatrix, "MS-TA9005", "Exposed sensitive interfaces"};
inline constexpr Reference kCompromisedImage{ReferenceKind::ThreatMatrix, "MS-TA9002", "Compromised image In registry"};
inline constexpr Reference kLimitServiceAccess{ReferenceKind::ThreatMatrix, "MS-M9008",
                                               "Limit Access to Services Over Network"};
inline constexpr Reference kRemoveTools{ReferenceKind::ThreatMatrix, "MS-M9012", "Remove Tools from Container Images"};
inline constexpr Reference kAttackExploitPrivEsc{ReferenceKind::Attack, "T1068",
                                                 "Exploitation for Privilege Escalation"};
inline constexpr Reference kAttackSetuid{ReferenceKind::Attack, "T1548.001",
                                         "Abuse Elevation Control Mechanism: Setuid and Setgid"};
inline constexpr Reference kAttackIngressTool{ReferenceKind::Attack, "T1105", "Ingress Tool Transfer"};
inline constexpr Reference kAttackImplantImage{ReferenceKind::Attack, "T1525", "Implant Internal Image"};
inline constexpr Reference kAttackSupplyChain{ReferenceKind::Attack, "T1195.002",
                                              "Supply Chain Compromise: Compromise Software Supply Chain"};
inline constexpr Reference kCisSecurityContext{ReferenceKind::Cis, "5.7.3",
                                               "Apply SecurityContext to your Pods and Containers"};
inline constexpr Reference kNsaResourcePolicies{ReferenceKind::Nsa, "resource-policies",
                                                "NSA/CISA Kubernetes Hardening Guidance: Resource policies"};

void register_privileged(Catalog& catalog);                // KG-POD-001
void register_privilege_escalation(Catalog& catalog);      // KG-POD-002
void register_run_as_root(Catalog& catalog);               // KG-POD-003
void register_writable_root_fs(Catalog& catalog);          // KG-POD-004
void register_dangerous_capabilities(Catalog& catalog);    // KG-POD-005
void register_capabilities_not_dropped(Catalog& catalog);  // KG-POD-006
void register_host_namespaces(Catalog& catalog);           // KG-POD-007, 008, 009
void register_host_path_volume(Catalog& catalog);          // KG-POD-010
void register_runtime_socket(Catalog& catalog);            // KG-POD-011
void register_host_port(Catalog& catalog);                 // KG-POD-012
void register_seccomp(Catalog& catalog);                   // KG-POD-013
void register_apparmor(Catalog& catalog);                  // KG-POD-014
void register_selinux(Catalog& catalog);                   // KG-POD-015
void register_proc_mount(Catalog& catalog);                // KG-POD-016
void register_sysctls(Catalog& catalog);                   // KG-POD-017
void register_resource_requests(Catalog& catalog);         // KG-POD-018
void register_resource_limits(Catalog& catalog);           // KG-POD-019, 020
void register_image_tag(Catalog& catalog);                 // KG-POD-021
void register_service_account_token(Catalog& catalog);     // KG-POD-022
void register_default_service_account(Catalog& catalog);   // KG-POD-023
void register_probes(Catalog& catalog);                    // KG-POD-024, 025

}  // namespace kg::rules::pod
