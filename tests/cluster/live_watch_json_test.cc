// `cluster watch -f json` against the real API server: the alerts a change
// raises, one JSON object a line, are what docs/schemas/watch-alert.schema.json
// says (added and modified objects, with and without a container).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "engine/temp_tree.h"
#include "support/json_schema.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

using live_detail::quote;

// Waits up to `seconds` for `needle` in the file at `path`; returns its text.
std::string wait_for(const std::string& path, const std::string& needle, int seconds) {
  std::string text;
  for (int i = 0; i < seconds * 10; ++i) {
    text = read_file(path);
    if (text.find(needle) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return text;
}

TEST(LiveWatchJson, AlertsMatchTheirSchema) {
  std::string why;
  auto live = live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  std::string python = python_with_jsonschema();
  ASSERT_FALSE(python.empty()) << "needs python3 with jsonschema (scripts/install-deps.sh: python3-jsonschema)";
  std::string ns = "kg-watch-json-" + std::to_string(::getpid());
  struct Cleanup {
    const LiveCluster& live;
    std::string ns;
    ~Cleanup() { run_with_kubeconfig(live, "kubectl delete namespace " + ns + " --wait=false >/dev/null 2>&1"); }
  } cleanup{*live, ns};
  std::string out;
  ASSERT_EQ(
      run_with_kubeconfig(
          *live, "kubectl create namespace " + ns + " >/dev/null && " + wait_for_default_service_account(ns) + " 2>&1",
          &out),
      0)
      << out;

  TempTree tree;
  std::string alerts = tree.path("alerts.json");
  std::string err = tree.path("watch.err");
  std::string pid;
  ASSERT_EQ(live_detail::run(quote(KG_BINARY) + " cluster watch -f json --min-severity info --for 60 -n " + ns +
                                 " --kubeconfig " + quote(live->kubeconfig) + " >" + quote(alerts) + " 2>" +
                                 quote(err) + " </dev/null & echo $!",
                             &pid),
            0);
  struct Stop {
    pid_t pid;
    ~Stop() {
      if (pid <= 0) return;
      ::kill(pid, SIGTERM);
      for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  } stop{std::atoi(pid.c_str())};
  std::string ready = wait_for(err, "watching ", 30);
  ASSERT_NE(ready.find("watching "), std::string::npos) << ready;

  // A privileged pod (findings on its container), then a label changed on it (a modification).
  std::string pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: " + ns +
                    "}\nspec:\n  containers:\n  - name: web\n    image: registry.example.com/shop/web:1.4.2\n"
                    "    securityContext: {privileged: true}\n";
  ASSERT_EQ(run_with_kubeconfig(*live, "printf '%s' " + quote(pod) + " | kubectl create -f - 2>&1", &out), 0) << out;
  std::string text = wait_for(alerts, R"("change":"ADDED")", 20);
  ASSERT_NE(text.find(R"("container":"web")"), std::string::npos) << text << read_file(err);
  ASSERT_EQ(run_with_kubeconfig(*live,
                                "kubectl -n " + ns +
                                    " patch pod web --type=json -p '[{\"op\":\"replace\",\"path\":"
                                    "\"/spec/containers/0/image\",\"value\":\"registry.example.com/shop/web:latest\"}]'"
                                    " 2>&1",
                                &out),
            0)
      << out;
  text = wait_for(alerts, R"("change":"MODIFIED")", 20);
  EXPECT_NE(text.find(R"("change":"MODIFIED")"), std::string::npos) << text << read_file(err);

  EXPECT_EQ(validate_json_schema(python, source("docs/schemas/watch-alert.schema.json"), alerts, true), "") << text;
}

}  // namespace
}  // namespace kg::testing
