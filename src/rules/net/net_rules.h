// The NET family: network isolation of the workloads in the input, decided
// from the NetworkPolicies beside them (inventory rules: they run once over
// facts gathered from every file), and exposure: Services reachable from
// outside, Ingresses without TLS, administrative ports.
#pragma once

#include <fmt/format.h>

#include "rules/catalog.h"

namespace kg::rules::net {

inline constexpr Reference kNetworkMapping{ReferenceKind::ThreatMatrix, "MS-TA9031", "Network mapping"};
inline constexpr Reference kAttackRemoteServices{ReferenceKind::Attack, "T1210", "Exploitation of Remote Services"};
inline constexpr Reference kCisNetworkPolicies{ReferenceKind::Cis, "5.3.2",
                                               "Ensure that all Namespaces have Network Policies defined"};

void register_workload_not_isolated(Catalog& catalog);
void register_namespace_without_default_deny(Catalog& catalog);
void register_workload_egress_not_isolated(Catalog& catalog);
void register_service_exposed(Catalog& catalog);
void register_ingress_without_tls(Catalog& catalog);
void register_container_admin_port(Catalog& catalog);

}  // namespace kg::rules::net
