// The AUD family: detections over the API server's audit log (`kubeguard
// audit`, the audit webhook of `kubeguard serve`). Their logic lives in
// src/audit (it reads events, not objects); the catalog holds their metadata
// for `kubeguard rules`, docs/rules.md, SARIF and configuration.
#pragma once

#include <cstdint>

#include "rules/catalog.h"
#include "rules/severity_case.h"

namespace kg::rules::aud {

enum class AudRule : uint8_t {
  ContainerAdded,               // KG-AUD-001
  ImageChanged,                 // KG-AUD-002
  CommandChanged,               // KG-AUD-003
  PodWriteUnseen,               // KG-AUD-004
  InjectedAtAdmission,          // KG-AUD-005
  EphemeralContainer,           // KG-AUD-006
  ExecIntoPod,                  // KG-AUD-007
  ServiceAccountPodWrite,       // KG-AUD-008
  WebhookConfigChange,          // KG-AUD-009
  ClusterAdminBinding,          // KG-AUD-010
  WildcardRole,                 // KG-AUD-011
  EscalationVerbs,              // KG-AUD-012
  ImpersonationUsed,            // KG-AUD-013
  TokenRequest,                 // KG-AUD-014
  SecretReadByServiceAccount,   // KG-AUD-015
  AnonymousAllowed,             // KG-AUD-016
  RiskyPodAdmitted,             // KG-AUD-017
  ExecThenServiceAccountWrite,  // KG-AUD-018
  PodInSystemNamespace,         // KG-AUD-019
  DangerousRoleGrant,           // KG-AUD-020
  DangerousBinding,             // KG-AUD-021
  RbacDeleteOrBuiltinChange,    // KG-AUD-022
  SecretsAcrossNamespaces,      // KG-AUD-023
  PrivilegedCertificate,        // KG-AUD-024
};

inline constexpr AudRule kAllAudRules[] = {
    AudRule::ContainerAdded,
    AudRule::ImageChanged,
    AudRule::CommandChanged,
    AudRule::PodWriteUnseen,
    AudRule::InjectedAtAdmission,
    AudRule::EphemeralContainer,
    AudRule::ExecIntoPod,
    AudRule::ServiceAccountPodWrite,
    AudRule::WebhookConfigChange,
    AudRule::ClusterAdminBinding,
    AudRule::WildcardRole,
    AudRule::EscalationVerbs,
    AudRule::ImpersonationUsed,
    AudRule::TokenRequest,
    AudRule::SecretReadByServiceAccount,
    AudRule::AnonymousAllowed,
    AudRule::RiskyPodAdmitted,
    AudRule::ExecThenServiceAccountWrite,
    AudRule::PodInSystemNamespace,
    AudRule::DangerousRoleGrant,
    AudRule::DangerousBinding,
    AudRule::RbacDeleteOrBuiltinChange,
    AudRule::SecretsAcrossNamespaces,
    AudRule::PrivilegedCertificate,
};

const RuleMeta& meta(AudRule rule);
// Its metadata with the severity cases the detection names (src/audit).
GradedRule graded(AudRule rule);

// Metadata and severity cases of the rules in each file of this folder
// (meta is null for a rule of another file).
GradedRule workload_rule(AudRule rule);
GradedRule exec_rule(AudRule rule);
GradedRule access_rule(AudRule rule);
GradedRule privilege_rule(AudRule rule);

}  // namespace kg::rules::aud
