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
#include <unistd.h>

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

// The value `name` has in `env`, the text of `scripts/controlplane.sh env`
// ("export NAME=value" lines, the value maybe in single quotes); "" when absent.
inline std::string env_value(const std::string& env, const std::string& name) {
  const std::string key = "export " + name + "=";
  size_t at = env.find(key);
  if (at == std::string::npos) return {};
  size_t end = env.find('\n', at);
  std::string value = env.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size());
  if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') value = value.substr(1, value.size() - 2);
  return value;
}

// The audit log the control plane's API server writes (KUBEGUARD_AUDIT_LOG
// of `scripts/controlplane.sh env`), or "" when it prints none.
inline std::string controlplane_audit_log() {
  std::string env;
  std::string script = std::string(KG_SOURCE_DIR) + "/scripts/controlplane.sh";
  if (live_detail::run(live_detail::quote(script) + " env", &env) != 0) return {};
  return env_value(env, "KUBEGUARD_AUDIT_LOG");
}

// Shell text that waits (up to 30 s) until namespace `ns` has its default
// service account: the ServiceAccount admission plugin rejects pods before.
inline std::string wait_for_default_service_account(const std::string& ns) {
  return "for i in $(seq 60); do kubectl -n " + ns +
         " get serviceaccount default >/dev/null 2>&1 && break; sleep 0.5; done";
}

// A namespace of the test's own ("PREFIX-PID"), deleted without waiting
// however the test ends.
class LiveNamespace {
 public:
  LiveNamespace(const LiveCluster& cluster, const std::string& prefix)
      : cluster_(cluster), name_(prefix + "-" + std::to_string(::getpid())) {}
  ~LiveNamespace() {
    run_with_kubeconfig(cluster_, "kubectl delete namespace " + name_ + " --wait=false >/dev/null 2>&1");
  }
  LiveNamespace(const LiveNamespace&) = delete;
  LiveNamespace& operator=(const LiveNamespace&) = delete;

  // Creates it and waits for its default service account; "" when done,
  // else what kubectl said.
  std::string create() const {
    std::string out;
    int rc = run_with_kubeconfig(
        cluster_,
        "kubectl create namespace " + name_ + " >/dev/null && " + wait_for_default_service_account(name_) + " 2>&1",
        &out);
    return rc == 0 ? std::string() : "kubectl create namespace " + name_ + ": " + out;
  }
  const std::string& name() const { return name_; }

 private:
  const LiveCluster& cluster_;
  std::string name_;
};

}  // namespace kg::testing
