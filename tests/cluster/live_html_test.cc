// `kubeguard cluster scan -f html` against the real API server (skipped
// without one): the report names the cluster and lists the live objects.
#include <unistd.h>

#include <filesystem>
#include <regex>

#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

TEST(LiveClusterHtml, ClusterScanWritesTheHtmlReport) {
  std::string why;
  auto live = live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  std::string ns = "kg-test-html-" + std::to_string(getpid());
  struct Cleanup {
    const LiveCluster& live;
    std::string ns;
    ~Cleanup() { run_with_kubeconfig(live, "kubectl delete namespace " + ns + " --wait=false >/dev/null 2>&1"); }
  } cleanup{*live, ns};
  ASSERT_EQ(run_with_kubeconfig(*live, "kubectl create namespace " + ns + " >/dev/null && " +
                                           wait_for_default_service_account(ns) + " && kubectl -n " + ns +
                                           " run root --image=busybox:1.36 --restart=Never --privileged -- sleep 1 "
                                           ">/dev/null"),
            0);
  std::string page = (std::filesystem::temp_directory_path() / ("kg-live-" + ns + ".html")).string();
  int status = run_with_kubeconfig(*live, std::string(KG_BINARY) + " cluster scan -n " + ns + " -f HTML -o " + page);
  EXPECT_EQ(status, 1);
  std::string html = read_file(page);
  std::filesystem::remove(page);
  EXPECT_NE(html.find("<p class=\"sub\">cluster: "), std::string::npos);
  EXPECT_NE(html.find(", namespace " + ns), std::string::npos);
  EXPECT_NE(html.find("Pod " + ns + "/root"), std::string::npos);
  EXPECT_TRUE(std::regex_search(html, std::regex(R"(class="t h[1-5]" tabindex="0" data-tech="MS-TA9018")")))
      << "the privileged container lights its technique on the heatmap";
  EXPECT_NE(html.find("<table class=\"matrix\">"), std::string::npos);
}

}  // namespace
}  // namespace kg::testing
