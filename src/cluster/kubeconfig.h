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

// Everything needed to connect. Holds secrets: never print it whole.
struct RestConfig {
  std::string server;           // "https://host:port[/prefix]", no trailing slash
  std::string ca_pem;           // "" means the system trust store
  std::string token;            // bearer token, "" when none
  std::string client_cert_pem;  // "" when none
  std::string client_key_pem;
  std::string name_space;          // the context's namespace, "" when it sets none
  std::string context;             // context name, or "in-cluster"
  std::string source;              // the file the settings came from
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
};

// kubectl's order: --kubeconfig, then the FIRST file of $KUBECONFIG (files
// after it are not merged; a note says so), then ~/.kube/config, then the
// in-cluster mount when KUBERNETES_SERVICE_HOST is set.
Expected<RestConfig> resolve_config(const ConfigRequest& request, const Environment& env,
                                    const FileReader& read = read_whole_file);

}  // namespace kg::cluster
