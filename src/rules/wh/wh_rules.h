// The WH family: admission webhook configurations, the way a rogue webhook
// (scenario S4) gets every new pod sent to it. One file per rule; each
// registers itself here.
#pragma once

#include <fmt/format.h>

#include "rules/catalog.h"
#include "rules/wh/webhook.h"

namespace kg::rules::wh {

inline constexpr Reference kMaliciousAdmissionController{ReferenceKind::ThreatMatrix, "MS-TA9015",
                                                         "Malicious admission controller"};
inline constexpr Reference kAttackEventTriggered{ReferenceKind::Attack, "T1546", "Event Triggered Execution"};
inline constexpr Reference kAttackMasquerading{ReferenceKind::Attack, "T1036.005",
                                               "Masquerading: Match Legitimate Name or Location"};
inline constexpr Reference kAttackAdversaryInTheMiddle{ReferenceKind::Attack, "T1557", "Adversary-in-the-Middle"};
inline constexpr Reference kAttackImpairDefenses{ReferenceKind::Attack, "T1562.001",
                                                 "Impair Defenses: Disable or Modify Tools"};
inline constexpr Reference kCisWebhookAccess{ReferenceKind::Cis, "5.1.12",
                                             "Minimize access to webhook configuration objects"};
inline constexpr Reference kCisPolicyControl{
    ReferenceKind::Cis, "5.2.1", "Ensure that the cluster has at least one active policy control mechanism in place"};

void register_unapproved_mutating(Catalog& catalog);
void register_external_url(Catalog& catalog);
void register_missing_ca_bundle(Catalog& catalog);
void register_fails_open(Catalog& catalog);
void register_reinvocation(Catalog& catalog);
void register_namespace_opt_out(Catalog& catalog);
void register_timeout(Catalog& catalog);
void register_impersonation(Catalog& catalog);

}  // namespace kg::rules::wh
