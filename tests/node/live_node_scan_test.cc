// `kubeguard node scan` against the real control plane of
// scripts/controlplane.sh: its processes, flags and files as started by
// default, then as started with the hardening of docs/NODE.md
// (KUBEGUARD_CP_HARDENED=1, a second instance on ports of its own), and
// `cluster scan` raising the same rules on a kubeadm mirror pod.
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cluster/api_client.h"
#include "cluster/cluster_scan.h"
#include "cluster/kubeconfig.h"
#include "cluster/live_cluster.h"
#include "doc/source.h"
#include "fronts/node/monitor.h"
#include "fronts/node/pod_source.h"
#include "node/watch_support.h"
#include "support/test_support.h"

namespace kg {
namespace {

using testing::live_detail::quote;
using testing::live_detail::run;

std::string script() { return std::string(KG_SOURCE_DIR) + "/scripts/controlplane.sh"; }

// The value of `export NAME=...` in controlplane.sh env output.
std::string exported(const std::string& env, const std::string& name) {
  std::string key = "export " + name + "=";
  size_t at = env.find(key);
  if (at == std::string::npos) return {};
  size_t end = env.find('\n', at);
  return env.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size());
}

// --pid options for the three components of a run dir.
std::string pid_options(const std::string& run_dir) {
  std::string out;
  for (const char* c : {"etcd", "kube-apiserver", "kube-controller-manager"}) {
    std::string pid = testing::read_file(run_dir + "/" + c + ".pid");
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    if (!pid.empty()) out += " --pid " + pid;
  }
  return out;
}

// Rule IDs of a JSON report, by object kind/name ("Process kube-apiserver[123]" -> "kube-apiserver").
std::map<std::string, std::set<std::string>> node_rules_by_component(const std::string& json) {
  std::map<std::string, std::set<std::string>> out;
  doc::load_text(
      json, "report.json",
      [&](doc::Document&& d) {
        const doc::Node* findings = d.root.get("findings");
        if (findings == nullptr) return;
        for (const auto& f : findings->items()) {
          std::string name(k8s::string_at(f.get("object"), "name"));
          name = name.substr(0, name.find('['));
          out[name].insert(std::string(k8s::string_at(&f, "rule")));
        }
      },
      [](doc::LoadError&&) {});
  return out;
}

TEST(LiveNodeScan, TestControlPlaneAsStartedAndHardened) {
  std::string why;
  auto live = testing::live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  std::string env;
  ASSERT_EQ(run(quote(script()) + " env", &env), 0);
  std::string run_dir = exported(env, "KUBEGUARD_CP_DIR");
  ASSERT_FALSE(run_dir.empty());
  std::string pids = pid_options(run_dir);
  ASSERT_EQ(std::count(pids.begin(), pids.end(), 'p'), 3) << pids;

  std::string report;
  int code = run(quote(KG_BINARY) + " node scan -f json" + pids, &report);
  EXPECT_EQ(code, 1) << report;
  auto found = node_rules_by_component(report);
  // Certificates are 644 or 600 depending on whether this run dir was ever hardened.
  for (auto& [component, rules] : found) rules.erase("KG-NODE-051");
  EXPECT_EQ(found["etcd"], (std::set<std::string>{"KG-NODE-032", "KG-NODE-033", "KG-NODE-035", "KG-NODE-036"}));
  EXPECT_EQ(found["kube-apiserver"], (std::set<std::string>{"KG-NODE-001", "KG-NODE-006", "KG-NODE-007", "KG-NODE-013",
                                                            "KG-NODE-014", "KG-NODE-015", "KG-NODE-018", "KG-NODE-019",
                                                            "KG-NODE-020", "KG-NODE-023", "KG-NODE-024"}));
  EXPECT_TRUE(found["kube-controller-manager"].empty());
  // Findings point at real files: the cmdline of the process.
  EXPECT_NE(report.find("/cmdline"), std::string::npos);

  // A second instance, hardened, on ports of its own.
  std::string hardened_dir = "/tmp/kubeguard-cp-hardened-" + std::to_string(::getuid());
  std::string hardened_env = "export KUBEGUARD_CP_HARDENED=1 KUBEGUARD_CP_DIR=" + quote(hardened_dir) +
                             " KUBEGUARD_CP_PORT=6853 KUBEGUARD_CP_ETCD_PORT=24210 KUBEGUARD_CP_ETCD_PEER_PORT=24220 "
                             "KUBEGUARD_CP_KCM_PORT=10767; ";
  struct Stop {
    std::string command;
    ~Stop() { run(command + " >/dev/null 2>&1", nullptr); }
  } stop{hardened_env + quote(script()) + " stop"};
  std::string log;
  ASSERT_EQ(run(hardened_env + quote(script()) + " start 2>&1", &log), 0) << log;
  std::string hardened_pids = pid_options(hardened_dir);
  code = run(quote(KG_BINARY) + " node scan -f json" + hardened_pids, &report);
  auto hardened = node_rules_by_component(report);
  EXPECT_EQ(code, 0) << report;
  EXPECT_TRUE(hardened.empty()) << report;
  // It is the same control plane, working: the API answers over the hardened etcd.
  std::string out;
  EXPECT_EQ(run("export KUBECONFIG=" + quote(hardened_dir + "/admin.kubeconfig") +
                    "; kubectl create secret generic kg-hardened --from-literal=k=v -n default >/dev/null && "
                    "kubectl get secret kg-hardened -n default -o name",
                &out),
            0)
      << out;
  EXPECT_NE(out.find("secret/kg-hardened"), std::string::npos);
}

TEST(LiveNodeScan, ClusterScanReadsMirrorPods) {
  std::string why;
  auto live = testing::live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  std::string name = "kube-apiserver-kg-" + std::to_string(::getpid());
  struct Cleanup {
    const testing::LiveCluster& live;
    std::string name;
    ~Cleanup() {
      testing::run_with_kubeconfig(live, "kubectl -n kube-system delete pod " + name + " --wait=false >/dev/null 2>&1");
    }
  } cleanup{*live, name};
  std::string out;
  ASSERT_EQ(testing::run_with_kubeconfig(*live,
                                         testing::wait_for_default_service_account("kube-system") +
                                             " && sed 's/^  name: kube-apiserver$/  name: " + name + "/' " +
                                             quote(testing::source("tests/node/data/kubeadm/kube-apiserver.yaml")) +
                                             " | kubectl create -f - 2>&1",
                                         &out),
            0)
      << out;
  auto config = cluster::parse_kubeconfig(cluster::read_whole_file(live->kubeconfig).value(), live->kubeconfig, "");
  ASSERT_TRUE(config) << config.error().message;
  auto client = cluster::ApiClient::connect(*config);
  ASSERT_TRUE(client) << client.error().message;
  engine::ScanResult result = cluster::scan_cluster(*client, cluster::ClusterScanRequest{"cluster:test", "kube-system"},
                                                    testing::catalog(), engine::Config{});
  std::set<std::string> rules;
  for (const auto& f : result.findings) {
    if (f.object.kind == "Pod" && f.object.name == name && f.rule_id.starts_with("KG-NODE-")) {
      rules.insert(f.rule_id);
      EXPECT_TRUE(f.path.starts_with("spec.containers[0].command[")) << f.path;
    }
  }
  EXPECT_EQ(rules, (std::set<std::string>{"KG-NODE-001", "KG-NODE-007", "KG-NODE-013", "KG-NODE-014", "KG-NODE-015",
                                          "KG-NODE-016", "KG-NODE-017", "KG-NODE-023", "KG-NODE-024", "KG-NODE-026"}));
}

// `node watch --api`: the node's pods from the real API server name the
// container a process runs in. The pod is bound to a made-up node (there is
// no kubelet here) and its container status, with the container ID, is
// written through the status subresource as a kubelet would.
TEST(LiveNodeWatch, PodsFromTheApiServerNameTheContainer) {
  std::string why;
  auto live = testing::live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  std::string node = "kg-node-" + std::to_string(::getpid());
  std::string ns = "kg-node-watch-" + std::to_string(::getpid());
  std::string id = testing::random_hex(64);
  struct Cleanup {
    const testing::LiveCluster& live;
    std::string ns;
    ~Cleanup() {
      testing::run_with_kubeconfig(live, "kubectl delete namespace " + ns + " --wait=false >/dev/null 2>&1");
    }
  } cleanup{*live, ns};
  std::string pod =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: " + ns + "}\nspec:\n  nodeName: " + node +
      "\n  containers:\n  - {name: web, image: registry.example.com/shop/web:1.4.2, command: [/app/web]}\n";
  std::string status = R"({"status":{"containerStatuses":[{"name":"web","containerID":"containerd://)" + id +
                       R"(","image":"registry.example.com/shop/web:1.4.2","imageID":"","ready":true,"restartCount":0,)"
                       R"("started":true,"state":{"running":{"startedAt":"2026-01-01T00:00:00Z"}}}]}})";
  std::string out;
  ASSERT_EQ(testing::run_with_kubeconfig(
                *live,
                "kubectl create namespace " + ns + " >/dev/null && " + testing::wait_for_default_service_account(ns) +
                    " && printf '%s' " + quote(pod) + " | kubectl create -f - >/dev/null && kubectl -n " + ns +
                    " patch pod web --subresource=status --type=merge -p " + quote(status) + " 2>&1",
                &out),
            0)
      << out;
  auto config = cluster::parse_kubeconfig(cluster::read_whole_file(live->kubeconfig).value(), live->kubeconfig, "");
  ASSERT_TRUE(config) << config.error().message;
  auto client = cluster::ApiClient::connect(*config);
  ASSERT_TRUE(client) << client.error().message;
  engine::Config engine_config;
  auto pods = node::fetch_node_pods(*client, node, engine_config.settings.sidecar_profiles);
  ASSERT_TRUE(pods) << pods.error().message;
  EXPECT_EQ(pods->pods(), 1u);
  const node::ContainerInfo* web = pods->container(id);
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->pod.name_space, ns);
  EXPECT_EQ(web->pod.name, "web");
  EXPECT_EQ(web->image, "registry.example.com/shop/web:1.4.2");
  EXPECT_FALSE(node::fetch_node_pods(*client, "Not A Node", engine_config.settings.sidecar_profiles));

  // A shell in that container, seen on this machine, is named by the pod.
  if (::geteuid() != 0) return;  // cgroups and /proc of every process need root; the mapping above is the API part
  testing::TestContainer container(web->pod.uid, id);
  if (!container.ok()) return;
  std::vector<rules::Finding> found;
  node::Monitor monitor({}, engine_config, std::move(*pods),
                        [&](rules::Finding&& f) { found.push_back(std::move(f)); });
  testing::Processes procs;
  // Long-lived processes and a generous deadline: the sanitizer build's
  // monitor is several times slower on a loaded machine, and the loop ends
  // as soon as the shell is named (the processes are stopped on the way out).
  pid_t entrypoint = procs.add(testing::spawn({"/bin/sleep", "60"}, container.procs()));  // not a shell
  // The entrypoint runs (moved into the container, exec done) before the
  // monitor starts, as on a node: a shell the monitor saw before the
  // entrypoint, started in the same clock tick, would pass for the entrypoint.
  for (int i = 0;
       i < 1000 && !testing::read_file(fmt::format("/proc/{}/cmdline", entrypoint)).starts_with("/bin/sleep"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const node::MonitorSources sources = monitor.start();
  pid_t shell = procs.add(testing::spawn({"/bin/bash", "-c", "sleep 60; true"}, container.procs()));
  std::string pid_path = "pid " + std::to_string(shell);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  const rules::Finding* raised = nullptr;
  while (raised == nullptr && std::chrono::steady_clock::now() < deadline) {
    monitor.step(std::chrono::milliseconds(20));
    for (const auto& f : found) {
      if (f.rule_id == "KG-RT-005" && f.path == pid_path) raised = &f;
    }
  }
  std::string listing;
  for (const auto& f : found) listing += f.rule_id + " " + f.path + " " + f.message + "\n";
  ASSERT_NE(raised, nullptr) << "shell pid " << shell << ", process events " << (sources.process_events ? "on" : "off")
                             << "; findings:\n"
                             << listing;
  EXPECT_EQ(raised->object.display(), "Pod " + ns + "/web");
  EXPECT_EQ(raised->container, "web");
}

}  // namespace
}  // namespace kg
