// Custom resources that carry a pod template where the built-in controllers
// keep theirs (Argo Rollouts, OpenShift DeploymentConfigs, Knative Services)
// are judged as workloads, under their own kind and apiVersion; templates of
// something else (a KubeVirt VirtualMachine) and kinds the table knows as
// carrying no pod are not (tests/data/crd-workloads).
#include <algorithm>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace kg::engine {
namespace {

std::string fixture(std::string_view name) {
  return testing::read_file(testing::source("tests/data/crd-workloads/" + std::string(name)));
}

struct Case {
  std::string_view file;
  std::string_view api_version;
  std::string_view kind;
};

constexpr Case kCases[] = {
    {"argo-rollout.yaml", "argoproj.io/v1alpha1", "Rollout"},
    {"openshift-deploymentconfig.yaml", "apps.openshift.io/v1", "DeploymentConfig"},
    {"knative-service.yaml", "serving.knative.dev/v1", "Service"},
};

TEST(CrdWorkloadScan, PrivilegedContainerInACustomWorkloadIsReportedUnderItsOwnKind) {
  for (const auto& c : kCases) {
    SCOPED_TRACE(std::string(c.file));
    ScanResult result = testing::scan_text(fixture(c.file), {}, c.file);
    EXPECT_TRUE(result.errors.empty());
    auto privileged = std::find_if(result.findings.begin(), result.findings.end(),
                                   [](const rules::Finding& f) { return f.rule_id == "KG-POD-001"; });
    ASSERT_NE(privileged, result.findings.end());
    EXPECT_EQ(privileged->object.kind, c.kind);
    EXPECT_EQ(privileged->object.api_version, c.api_version);
    EXPECT_EQ(privileged->path, "spec.template.spec.containers[0].securityContext.privileged");
    EXPECT_EQ(privileged->severity, rules::Severity::Critical);
  }
}

TEST(CrdWorkloadScan, TemplatesThatAreNotPodsAreNotJudgedAsPods) {
  ScanResult result = testing::scan_text(fixture("not-pods.yaml"), {}, "not-pods.yaml");
  EXPECT_TRUE(result.errors.empty());
  for (const auto& f : result.findings) {
    // No pod-spec rule reads them: nothing about containers or pod fields.
    EXPECT_TRUE(f.container.empty()) << f.rule_id << " " << f.object.display() << " " << f.path;
    EXPECT_EQ(f.path.find("template"), std::string::npos) << f.rule_id << " " << f.object.display() << " " << f.path;
  }
}

// The same objects as items of a List, and through the command line: the
// finding names the custom kind.
TEST(CrdWorkloadScan, CommandLineReportsTheCustomKind) {
  std::string out;
  int status = testing::run_kubeguard("scan -f json " + testing::source("tests/data/crd-workloads"), &out);
  EXPECT_EQ(status, 1) << out;
  for (const auto& c : kCases) {
    EXPECT_NE(out.find("\"kind\": \"" + std::string(c.kind) + "\""), std::string::npos) << c.kind;
    EXPECT_NE(out.find("\"apiVersion\": \"" + std::string(c.api_version) + "\""), std::string::npos) << c.kind;
  }
  EXPECT_EQ(out.find("VirtualMachine"), std::string::npos) << out;
}

}  // namespace
}  // namespace kg::engine
