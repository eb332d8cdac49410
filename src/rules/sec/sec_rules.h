// The SEC family: credentials that reach containers the wrong way, and
// requests for credentials that hand over a privileged identity. One file
// per rule; each registers itself here.
#pragma once

#include <fmt/format.h>

#include "rules/catalog.h"

namespace kg::rules::sec {

inline constexpr Reference kAttackUnsecuredCredentials{ReferenceKind::Attack, "T1552", "Unsecured Credentials"};
inline constexpr Reference kAttackCredentialsInFiles{ReferenceKind::Attack, "T1552.001",
                                                     "Unsecured Credentials: Credentials In Files"};
inline constexpr Reference kCisSecretsAsFiles{ReferenceKind::Cis, "5.4.1",
                                              "Prefer using Secrets as files over Secrets as environment variables"};
inline constexpr Reference kNsaSecrets{ReferenceKind::Nsa, "network-separation",
                                       "NSA/CISA Kubernetes Hardening Guidance: Network separation and hardening, "
                                       "Secrets"};

void register_secret_literal_in_env(Catalog& catalog);
void register_secret_in_env_var(Catalog& catalog);
void register_credentials_in_configmap(Catalog& catalog);
void register_privileged_client_certificate(Catalog& catalog);

}  // namespace kg::rules::sec
