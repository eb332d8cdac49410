// Runs a kubeconfig `exec` credential plugin the way client-go does and reads
// its ExecCredential: a bearer token or a client certificate, and when they
// expire. The plugin's standard error goes to ours (its prompts and
// messages); its standard output, which holds the secret, is read and never
// shown.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cluster/error.h"
#include "cluster/kubeconfig.h"

namespace kg::cluster {

struct ExecCredential {
  std::string token;
  std::string client_cert_pem;
  std::string client_key_pem;
  std::optional<int64_t> expires_unix;  // status.expirationTimestamp, seconds since the epoch
};

// What the plugin is told about the cluster (provideClusterInfo).
struct ExecClusterInfo {
  std::string server;
  std::string ca_pem;
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
};

// Runs `exec` and parses what it prints. Bounded: 1 MiB of output, two
// minutes (an interactive login included).
Expected<ExecCredential> run_exec_plugin(const ExecConfig& exec, const ExecClusterInfo& cluster);

// Parses an ExecCredential document; `api_version` is the one the plugin was
// asked for, which the answer must repeat.
Expected<ExecCredential> parse_exec_credential(std::string_view json, std::string_view api_version);

// RFC 3339 (2026-12-07T10:00:00Z, fractions and offsets allowed) to seconds
// since the epoch.
std::optional<int64_t> parse_rfc3339(std::string_view text);

}  // namespace kg::cluster
