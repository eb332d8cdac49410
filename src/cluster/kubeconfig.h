// Where and how to reach an API server: a kubeconfig file (as kubectl reads
// it) or the in-cluster service-account settings, resolved to one value.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/error.h"

namespace kg::cluster {

// A kubeconfig user's `exec` entry: a credential plugin (kubelogin, aws eks
// get-token, gke-gcloud-auth-plugin, ...) run to obtain a token or a client
// certificate, as client-go runs it (client.authentication.k8s.io v1, v1beta1).
struct ExecConfig {
  std::string api_version;  // client.authentication.k8s.io/v1 or /v1beta1
  std::string command;      // resolved against the kubeconfig's directory when it names a relative path
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string install_hint;
  bool provide_cluster_info = false;
  std::string interactive_mode;  // Never, IfAvailable, Always ("" before v1)
};

// Everything needed to connect. Holds secrets: never print it whole.
struct RestConfig {
  std::string server;           // "https://host:port[/prefix]", no trailing slash
  std::string ca_pem;           // "" means the system trust store
  std::string token;            // bearer token, "" when none
  std::string client_cert_pem;  // "" when none
  std::string client_key_pem;
  std::string token_file;                 // tokenFile: read again on every connection (rotated tokens), "" when none
  std::optional<ExecConfig> exec;         // credentials from a plugin, fetched on connect and again when they expire
  std::string tls_server_name;            // the name the server's certificate must carry, "" for the host
  bool insecure_skip_tls_verify = false;  // never on unless the kubeconfig says so; a note warns
  std::string impersonate_user;           // Impersonate-User, "" when none (as / --as)
  std::string impersonate_uid;
  std::vector<std::string> impersonate_groups;
  std::vector<std::pair<std::string, std::string>> impersonate_extra;  // Impersonate-Extra-<key>
  std::string name_space;                                              // the context's namespace, "" when it sets none
  std::string context;                                                 // context name, or "in-cluster"
  std::string source;                                                  // the file the settings came from
  std::vector<std::string> notes;  // things the user should know (e.g. ignored KUBECONFIG entries)
};

// Reads a file that a kubeconfig refers to; tests swap it for a map.
using FileReader = std::function<Expected<std::string>(const std::string& path)>;
Expected<std::string> read_whole_file(const std::string& path);

// Parses kubeconfig text. `file` names the source in errors and is the base
// for relative paths (as kubectl resolves them); `context` overrides
// current-context when not empty.
Expected<RestConfig> parse_kubeconfig(std::string_view text, std::string_view file, std::string_view context,
                                      const FileReader& read = read_whole_file);

// The service-account mount of a pod; paths are overridable for tests.
struct InClusterSettings {
  std::string token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::string namespace_file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
  std::string host;  // KUBERNETES_SERVICE_HOST
  std::string port;  // KUBERNETES_SERVICE_PORT
};

Expected<RestConfig> load_in_cluster(const InClusterSettings& settings, const FileReader& read = read_whole_file);

// The process environment the resolution reads, passed in so it is testable.
struct Environment {
  std::string kubeconfig;  // $KUBECONFIG
  std::string home;        // $HOME
  std::string service_host;
  std::string service_port;
  static Environment from_process();
};

struct ConfigRequest {
  std::string kubeconfig;   // --kubeconfig; wins over everything
  std::string context;      // --context
  bool in_cluster = false;  // --in-cluster: use the service-account mount only
  InClusterSettings in_cluster_settings;
  std::string impersonate_user;                 // --as: wins over the kubeconfig's `as`
  std::vector<std::string> impersonate_groups;  // --as-group
};

// kubectl's order: --kubeconfig, then the FIRST file of $KUBECONFIG (files
// after it are not merged; a note says so), then ~/.kube/config, then the
// in-cluster mount when KUBERNETES_SERVICE_HOST is set.
Expected<RestConfig> resolve_config(const ConfigRequest& request, const Environment& env,
                                    const FileReader& read = read_whole_file);

}  // namespace kg::cluster
