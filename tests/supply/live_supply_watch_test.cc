// End to end: `cluster watch --verify-images` against the real API server and
// the real test registry (TLS, basic auth) holding images signed by the real
// cosign (tests/supply/data). A pod whose image is unsigned raises KG-IMG-005
// as it is created, one signed by another key KG-IMG-006; a pod whose image
// is signed by the trusted key raises neither. Skipped when no control plane
// runs (tests/cluster/live_cluster.h); the e2e step fails on a skip.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "engine/temp_tree.h"
#include "supply/registry_fixture.h"
#include "support/test_support.h"

namespace kg::supply {
namespace {

using kg::testing::live_detail::quote;

std::string wait_for(const std::string& path, const std::string& needle, int seconds) {
  std::string text;
  for (int i = 0; i < seconds * 10; ++i) {
    text = kg::testing::read_file(path);
    if (text.find(needle) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return text;
}

TEST(LiveSupplyWatch, E2EUnsignedAndUntrustedPodsAreReportedAsTheyAppear) {
  std::string why;
  auto live = kg::testing::live_cluster(&why);
  if (!live) GTEST_SKIP() << why;

  kg::testing::TestRegistry reg;
  ASSERT_EQ(reg.error(), "");
  ASSERT_EQ(reg.push_repositories({"kg/signed", "kg/unsigned", "kg/wrongkey"}), "");

  const kg::testing::LiveNamespace space(*live, "kg-supply-watch");
  ASSERT_EQ(space.create(), "");
  const std::string& ns = space.name();
  std::string out;

  kg::testing::TempTree tree;
  std::string config = tree.write(
      "kubeguard.yaml",
      fmt::format("imagePolicies:\n  - images: [\"{}/kg/*\"]\n    keys: [{}]\nregistryAuth:\n  dockerConfig: {}\n"
                  "  caFile: {}\n",
                  reg.address(), kg::testing::TestRegistry::data("keys/cosign.pub"), reg.docker_config(),
                  reg.ca_file()));
  std::string alerts = tree.path("alerts.json");
  std::string err = tree.path("watch.err");
  std::string pid;
  ASSERT_EQ(kg::testing::live_detail::run(quote(KG_BINARY) + " cluster watch -f json --verify-images --config " +
                                              quote(config) + " --for 120 -n " + ns + " --kubeconfig " +
                                              quote(live->kubeconfig) + " >" + quote(alerts) + " 2>" + quote(err) +
                                              " </dev/null & echo $!",
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

  auto create = [&](const std::string& name, const std::string& image) {
    std::string pod = fmt::format(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {}, namespace: {}}}\nspec:\n  containers:\n"
        "  - name: app\n    image: {}/{}\n",
        name, ns, reg.address(), image);
    return kg::testing::run_with_kubeconfig(*live, "printf '%s' " + quote(pod) + " | kubectl create -f - 2>&1", &out);
  };
  // The signed pod first: its alerts (other rules) come before the others',
  // so when the last pod's alert is there, every verdict has been printed.
  ASSERT_EQ(create("signed", "kg/signed:v1"), 0) << out;
  ASSERT_EQ(create("unsigned", "kg/unsigned:v1"), 0) << out;
  ASSERT_EQ(create("wrongkey", "kg/wrongkey:v1"), 0) << out;
  std::string text = wait_for(alerts, R"("rule":"KG-IMG-006")", 60);
  EXPECT_NE(text.find(R"("rule":"KG-IMG-006")"), std::string::npos) << text << kg::testing::read_file(err);
  text = wait_for(alerts, R"("rule":"KG-IMG-005")", 10);
  ASSERT_NE(text.find(R"("rule":"KG-IMG-005")"), std::string::npos) << text << kg::testing::read_file(err);
  // One alert a line: the unsigned pod's names its pod, the signed pod has none.
  std::istringstream lines(text);
  std::string line;
  int unsigned_alerts = 0;
  while (std::getline(lines, line)) {
    bool image_rule = line.find(R"("rule":"KG-IMG-005")") != std::string::npos ||
                      line.find(R"("rule":"KG-IMG-006")") != std::string::npos;
    if (!image_rule) continue;
    EXPECT_EQ(line.find("/signed"), std::string::npos) << "the signed pod is trusted: " << line;
    if (line.find(R"("rule":"KG-IMG-005")") != std::string::npos) {
      ++unsigned_alerts;
      EXPECT_NE(line.find("unsigned"), std::string::npos) << line;
    }
  }
  EXPECT_EQ(unsigned_alerts, 1) << text;
  EXPECT_NE(text.find("/signed"), std::string::npos) << "the signed pod raised other alerts: " << text;
  EXPECT_EQ(text.find(reg.password()), std::string::npos);
}

}  // namespace
}  // namespace kg::supply
