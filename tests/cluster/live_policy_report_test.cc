// Policy reports against the real API server (skipped without one): the
// wgpolicyk8s.io and openreports.io CRDs are installed, `cluster scan
// --write-reports` applies its reports, the API server validates them against
// the CRDs' schemas (shown to reject a wrong one), and `scan -f policyreport`
// output passes a server-side dry run.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

// Installs the four CRDs once and waits until the API server serves them.
bool install_report_crds(const LiveCluster& live, std::string* why) {
  std::string crds;
  if (run_with_kubeconfig(live, "bash " + source("scripts/policy-report-crds.sh"), &crds) != 0 || crds.empty()) {
    *why = "scripts/policy-report-crds.sh failed (needs Go and the module proxy or a warm module cache)";
    return false;
  }
  std::string files;
  for (size_t at = 0; at < crds.size();) {
    size_t end = crds.find('\n', at);
    if (end == std::string::npos) end = crds.size();
    if (end > at) files += " -f " + crds.substr(at, end - at);
    at = end + 1;
  }
  std::string out;
  if (run_with_kubeconfig(live,
                          "kubectl apply --server-side" + files +
                              " >/dev/null && kubectl wait --for condition=established --timeout=60s" + files + " 2>&1",
                          &out) != 0) {
    *why = "installing the CRDs failed: " + out;
    return false;
  }
  return true;
}

struct Namespace {
  const LiveCluster& live;
  std::string name;
  ~Namespace() { run_with_kubeconfig(live, "kubectl delete namespace " + name + " --wait=false >/dev/null 2>&1"); }
};

TEST(LivePolicyReport, ClusterScanWritesReportsTheApiServerValidates) {
  std::string why;
  auto live = live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  ASSERT_TRUE(install_report_crds(*live, &why)) << why;
  Namespace ns{*live, "kg-test-polr-" + std::to_string(getpid())};
  ASSERT_EQ(run_with_kubeconfig(*live, "kubectl create namespace " + ns.name + " >/dev/null && " +
                                           wait_for_default_service_account(ns.name) + " && kubectl -n " + ns.name +
                                           " run root --image=busybox:1.36 --restart=Never --privileged -- sleep 1 "
                                           ">/dev/null"),
            0);

  // The API server refuses a report outside the schema: validation is on.
  std::string out;
  std::string bad =
      R"({"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","metadata":{"name":"bad","namespace":")" +
      ns.name + R"("},"results":[{"policy":"x","result":"nope"}]})";
  EXPECT_NE(run_with_kubeconfig(*live, "echo '" + bad + "' | kubectl apply -f - 2>&1", &out), 0);
  EXPECT_NE(out.find("Unsupported value: \"nope\""), std::string::npos) << out;

  for (const std::string kind : {"policyreport", "openreports"}) {
    int status = run_with_kubeconfig(
        *live, std::string(KG_BINARY) + " cluster scan -n " + ns.name + " -q --write-reports " + kind + " 2>&1", &out);
    EXPECT_EQ(status, 1) << out;
    EXPECT_NE(out.find("wrote "), std::string::npos) << out;  // the namespace's report, and the cluster-scoped one
  }
  ASSERT_EQ(
      run_with_kubeconfig(*live,
                          "kubectl -n " + ns.name +
                              " get policyreports.wgpolicyk8s.io kubeguard -o "
                              "jsonpath='{.summary.fail} {.results[?(@.policy==\"KG-POD-001\")].resources[0].name}'",
                          &out),
      0)
      << out;
  EXPECT_NE(out.find(" root"), std::string::npos) << out;
  EXPECT_NE(out.substr(0, out.find(' ')), "0") << out;
  ASSERT_EQ(run_with_kubeconfig(*live,
                                "kubectl -n " + ns.name +
                                    " get reports.openreports.io kubeguard -o "
                                    "jsonpath='{.results[?(@.policy==\"KG-POD-001\")].severity}'",
                                &out),
            0)
      << out;
  EXPECT_NE(out.find("critical"), std::string::npos) << out;

  // A second scan replaces its report rather than failing or adding one.
  EXPECT_EQ(run_with_kubeconfig(
                *live, std::string(KG_BINARY) + " cluster scan -n " + ns.name + " -q --write-reports policyreport 2>&1",
                &out),
            1)
      << out;
  ASSERT_EQ(run_with_kubeconfig(*live, "kubectl -n " + ns.name + " get policyreports -o name", &out), 0);
  EXPECT_EQ(out, "policyreport.wgpolicyk8s.io/kubeguard\n");
}

TEST(LivePolicyReport, FileScanReportPassesServerSideValidation) {
  std::string why;
  auto live = live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  ASSERT_TRUE(install_report_crds(*live, &why)) << why;
  Namespace ns{*live, "kg-test-polr-file-" + std::to_string(getpid())};
  ASSERT_EQ(run_with_kubeconfig(*live, "kubectl create namespace " + ns.name + " >/dev/null"), 0);
  std::string dir = std::filesystem::temp_directory_path() / ("kg-polr-" + ns.name);
  std::filesystem::create_directories(dir);
  std::string manifest = dir + "/pod.yaml";
  {
    std::ofstream(manifest) << "apiVersion: v1\nkind: Pod\nmetadata: {name: root, namespace: " << ns.name
                            << "}\nspec:\n  containers:\n  - name: \"a\\\"b<c>\"\n    image: app:1\n"
                               "    securityContext: {privileged: true}\n";
  }
  for (const std::string kind : {"policyreport", "openreports"}) {
    std::string report = dir + "/" + kind + ".json";
    EXPECT_EQ(run_kubeguard("scan " + manifest + " -f " + kind + " -o " + report), 1);
    std::string out;
    EXPECT_EQ(run_with_kubeconfig(*live, "kubectl apply --dry-run=server -f " + report + " 2>&1", &out), 0) << out;
    EXPECT_NE(out.find("kubeguard created (server dry run)"), std::string::npos) << out;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kg::testing
