// Access to a real API server for the cluster tests: the control plane of
// scripts/controlplane.sh (its KUBEGUARD_CP_* environment is honoured).
// Only with KG_CLUSTER_E2E=1 (the e2e step): then the running control plane
// is used, or one is started. Without it the tests skip even when one runs,
// so a control plane somebody left on the default ports never joins an
// ordinary ctest run (its state, shared with whoever uses it, would decide
// the results).
// Header-only: the test build compiles *_test.cc files only.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace kg::testing {

struct LiveCluster {
  std::string kubeconfig;
};

namespace live_detail {

inline int run(const std::string& command, std::string* out) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buffer{};
  std::string text;
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) text.append(buffer.data(), n);
  int status = pclose(pipe);
  if (out != nullptr) *out = std::move(text);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::optional<LiveCluster> find(std::string* why) {
  const char* e2e = std::getenv("KG_CLUSTER_E2E");
  if (e2e == nullptr || std::string(e2e) != "1") {
    *why = "set KG_CLUSTER_E2E=1 to run against the control plane of scripts/controlplane.sh (started if none runs)";
    return std::nullopt;
  }
  std::string script = std::string(KG_SOURCE_DIR) + "/scripts/controlplane.sh";
  bool running = run(quote(script) + " status >/dev/null 2>&1", nullptr) == 0;
  if (!running) {
    if (run(quote(script) + " start >/dev/null", nullptr) != 0) {
      *why = "scripts/controlplane.sh start failed";
      return std::nullopt;
    }
  }
  std::string env;
  if (run(quote(script) + " env", &env) != 0) {
    *why = "scripts/controlplane.sh env failed";
    return std::nullopt;
  }
  // "export KUBECONFIG=/path" (printf %q: run dirs with spaces are not expected here).
  const std::string key = "export KUBECONFIG=";
  size_t at = env.find(key);
  if (at == std::string::npos) {
    *why = "scripts/controlplane.sh env printed no KUBECONFIG";
    return std::nullopt;
  }
  size_t end = env.find('\n', at);
  return LiveCluster{env.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size())};
}

}  // namespace live_detail

inline std::optional<LiveCluster> live_cluster(std::string* why) {
  std::string reason;
  auto cluster = live_detail::find(&reason);
  if (!cluster && why != nullptr) *why = reason;
  return cluster;
}

inline int run_with_kubeconfig(const LiveCluster& cluster, const std::string& command, std::string* out = nullptr) {
  // export, not a prefix: a prefix would reach the first command of a list only.
  return live_detail::run("export KUBECONFIG=" + live_detail::quote(cluster.kubeconfig) + "; " + command, out);
}

// The audit log the control plane's API server writes (KUBEGUARD_AUDIT_LOG
// of `scripts/controlplane.sh env`), or "" when it prints none.
inline std::string controlplane_audit_log() {
  std::string env;
  std::string script = std::string(KG_SOURCE_DIR) + "/scripts/controlplane.sh";
  if (live_detail::run(live_detail::quote(script) + " env", &env) != 0) return {};
  const std::string key = "export KUBEGUARD_AUDIT_LOG=";
  size_t at = env.find(key);
  if (at == std::string::npos) return {};
  size_t end = env.find('\n', at);
  std::string path = env.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size());
  if (path.size() >= 2 && path.front() == '\'' && path.back() == '\'') path = path.substr(1, path.size() - 2);
  return path;
}

// Shell text that waits (up to 30 s) until namespace `ns` has its default
// service account: the ServiceAccount admission plugin rejects pods before.
inline std::string wait_for_default_service_account(const std::string& ns) {
  return "for i in $(seq 60); do kubectl -n " + ns +
         " get serviceaccount default >/dev/null 2>&1 && break; sleep 0.5; done";
}

}  // namespace kg::testing
