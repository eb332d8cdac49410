// The `kubeguard rbac` command end to end: formats, exit codes, errors.
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace kg {
namespace {

using testing::run_kubeguard;
using testing::source;

std::string example() { return source("examples/rbac/weak-sa.yaml"); }

TEST(RbacCli, ReportShowsFindingsAndTheAttackPath) {
  std::string out;
  EXPECT_EQ(run_kubeguard("rbac " + example(), &out), 1);
  EXPECT_NE(out.find("KG-RBAC-002"), std::string::npos) << out;
  EXPECT_NE(out.find("KG-RBAC-017"), std::string::npos) << out;
  EXPECT_NE(out.find("compromise of Deployment shop/reporting"), std::string::npos) << out;
  EXPECT_NE(out.find("weak-sa.yaml:17"), std::string::npos) << out;
}

TEST(RbacCli, JsonAndDot) {
  std::string json;
  EXPECT_EQ(run_kubeguard("rbac -f json " + example(), &json), 1);
  EXPECT_NE(json.find("\"attackPaths\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"workloadsInReach\": 3"), std::string::npos) << json;
  std::string dot;
  EXPECT_EQ(run_kubeguard("rbac -f dot " + example(), &dot), 1);
  EXPECT_EQ(dot.rfind("digraph attack_paths {", 0), 0u) << dot;
  EXPECT_NE(dot.find("\"ServiceAccount shop/report-builder\" -> \"namespace shop\" [label=\"workload-write, exec (3 "
                     "workloads)\"]"),
            std::string::npos)
      << dot;
}

TEST(RbacCli, SvgWhenGraphvizIsInstalled) {
  if (testing::run_kubeguard("rbac -f svg " + example() + " >/dev/null 2>&1") == 2 &&
      std::system("command -v dot >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "Graphviz's dot is not installed";
  }
  std::string svg;
  EXPECT_EQ(run_kubeguard("rbac -f svg " + example(), &svg), 1);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("shop/reporting"), std::string::npos);
}

TEST(RbacCli, WhoCanAndWhoCanInject) {
  std::string out;
  EXPECT_EQ(run_kubeguard("rbac who-can patch deployments --api-group apps -n shop " + example(), &out), 0);
  EXPECT_NE(out.find("ServiceAccount shop/report-builder"), std::string::npos) << out;
  // Names as kubectl takes them; the built-in resource's group unless --api-group says otherwise.
  for (std::string name : {"deployments", "deployment", "deploy", "Deployment", "deployments.apps"}) {
    EXPECT_EQ(run_kubeguard("rbac who-can patch " + name + " -n shop " + example(), &out), 0) << name;
    EXPECT_NE(out.find("ServiceAccount shop/report-builder"), std::string::npos) << name << ": " << out;
  }
  EXPECT_EQ(run_kubeguard("rbac who-can patch deployments --api-group '' -n shop " + example(), &out), 0);
  EXPECT_NE(out.find("nobody in the input"), std::string::npos) << "core group: nobody\n" << out;
  EXPECT_EQ(run_kubeguard("rbac who-can list secret -n shop -f json " + example(), &out), 0);
  EXPECT_NE(out.find("\"resource\": \"secrets\""), std::string::npos) << out;
  EXPECT_EQ(run_kubeguard("rbac who-can list secrets -n shop -f json " + example(), &out), 0);
  EXPECT_NE(out.find("\"name\": \"report-builder\""), std::string::npos) << out;
  EXPECT_EQ(run_kubeguard("rbac who-can-inject -n shop " + example(), &out), 1);
  EXPECT_NE(out.find("workload-write"), std::string::npos) << out;
  EXPECT_EQ(run_kubeguard("rbac who-can-inject -n elsewhere " + example(), &out), 0);
}

TEST(RbacCli, BadInputIsAnErrorWithFileAndLineAndTheRestIsRead) {
  std::string dir = ::testing::TempDir() + "/kg-rbac-cli";
  std::system(("mkdir -p " + dir).c_str());
  std::string bad = dir + "/bad.yaml";
  FILE* f = fopen(bad.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs(
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: shop}\n"
      "roleRef: {kind: Pod, name: x}\n",
      f);
  fclose(f);
  std::string out;
  EXPECT_EQ(run_kubeguard("rbac " + bad + " " + example() + " 2>&1", &out), 2);
  EXPECT_NE(out.find("bad.yaml:4"), std::string::npos) << out;
  EXPECT_NE(out.find("roleRef.kind"), std::string::npos) << out;
  EXPECT_NE(out.find("KG-RBAC-017"), std::string::npos) << out;
  EXPECT_EQ(run_kubeguard("rbac 2>/dev/null"), 2);  // neither paths nor --cluster
}

TEST(RbacCli, ConfigurationDisablesRulesAndSetsTheThreshold) {
  std::string dir = ::testing::TempDir() + "/kg-rbac-cli-config";
  std::system(("mkdir -p " + dir).c_str());
  std::string config = dir + "/.kubeguard.yaml";
  FILE* f = fopen(config.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("disabledRules: [pod-token-can-inject]\nfailOn: critical\n", f);
  fclose(f);
  std::string out;
  EXPECT_EQ(run_kubeguard("rbac --config " + config + " " + example(), &out), 0);  // highs only left
  EXPECT_EQ(out.find("KG-RBAC-017 "), std::string::npos) << out;
  EXPECT_NE(out.find("KG-RBAC-002"), std::string::npos) << out;
}

TEST(RbacCli, ScanIncludesRbacFindings) {
  std::string out;
  EXPECT_EQ(run_kubeguard("scan -f json " + example(), &out), 1);
  EXPECT_NE(out.find("KG-RBAC-017"), std::string::npos) << out;
  EXPECT_NE(out.find("KG-RBAC-011"), std::string::npos) << out;
}

}  // namespace
}  // namespace kg
