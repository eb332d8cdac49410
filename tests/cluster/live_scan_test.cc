// scan_cluster in process against the real API server (skipped without one).
#include <unistd.h>

#include <gtest/gtest.h>

#include "cluster/cluster_scan.h"
#include "cluster/live_cluster.h"
#include "support/test_support.h"

namespace kg::cluster {
namespace {

TEST(LiveScan, PrivilegedPodInOneNamespace) {
  std::string why;
  auto live = kg::testing::live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  auto config = parse_kubeconfig(read_whole_file(live->kubeconfig).value(), live->kubeconfig, "");
  ASSERT_TRUE(config) << config.error().message;
  std::string ns = "kg-test-scan-" + std::to_string(getpid());
  // Removes the namespace however the test ends.
  struct Cleanup {
    const kg::testing::LiveCluster& live;
    std::string ns;
    ~Cleanup() {
      kg::testing::run_with_kubeconfig(live, "kubectl delete namespace " + ns + " --wait=false >/dev/null 2>&1");
    }
  } cleanup{*live, ns};
  ASSERT_EQ(kg::testing::run_with_kubeconfig(
                *live, "kubectl create namespace " + ns + " >/dev/null && " +
                           kg::testing::wait_for_default_service_account(ns) + " && kubectl -n " + ns +
                           " run root --image=busybox:1.36 --restart=Never --privileged -- sleep 1 >/dev/null"),
            0);
  auto client = ApiClient::connect(*config);
  ASSERT_TRUE(client) << client.error().message;
  engine::ScanResult result =
      scan_cluster(*client, ClusterScanRequest{"cluster:test", ns, 2}, kg::testing::catalog(), engine::Config{});

  EXPECT_TRUE(result.errors.empty()) << (result.errors.empty() ? "" : result.errors[0].message);
  bool privileged = false;
  for (const auto& f : result.findings) {
    EXPECT_EQ(f.file, "cluster:test");
    EXPECT_EQ(f.mark.line, 0u);
    EXPECT_EQ(f.object.name_space, f.object.kind == "Namespace" ? "" : ns) << f.object.display();
    if (f.rule_id == "KG-POD-001" && f.object.kind == "Pod" && f.object.name == "root") privileged = true;
  }
  EXPECT_TRUE(privileged);
  // The namespace itself, its default service account and the pod.
  EXPECT_GE(result.summary.objects, 3u);
  ASSERT_FALSE(result.notices.empty());
  EXPECT_NE(result.notices.back().find("cluster-scoped resources"), std::string::npos) << result.notices.back();
  EXPECT_EQ(engine::exit_code(result, rules::Severity::High), 1);
}

}  // namespace
}  // namespace kg::cluster
