// An AdmissionReview of a custom workload (Argo Rollout, OpenShift
// DeploymentConfig, Knative Service) with a privileged container is denied
// like a Deployment would be, naming the custom kind; a KubeVirt
// VirtualMachine's template is not a pod and is not judged as one.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "admission/decision.h"
#include "admission/review.h"
#include "admission/review_support.h"
#include "support/test_support.h"

namespace kg::admission {
namespace {

std::string fixture(std::string_view name) {
  return testing::read_file(testing::source("tests/data/crd-workloads/" + std::string(name)));
}

Decision decide_review(const testing::ReviewSpec& spec) {
  ParsedReview parsed = parse_review(testing::review_json(spec));
  EXPECT_TRUE(parsed) << parsed.error.message;
  if (!parsed) return {};
  return decide(*parsed.request, testing::catalog(), {}, Settings{});
}

struct Case {
  std::string_view file;
  std::string_view group;
  std::string_view version;
  std::string_view kind;
  std::string_view resource;
  std::string_view name;
};

TEST(CrdWorkloadAdmission, PrivilegedCustomWorkloadIsDeniedUnderItsOwnKind) {
  constexpr Case kCases[] = {
      {"argo-rollout.yaml", "argoproj.io", "v1alpha1", "Rollout", "rollouts", "rollouts-demo"},
      {"openshift-deploymentconfig.yaml", "apps.openshift.io", "v1", "DeploymentConfig", "deploymentconfigs",
       "frontend"},
      {"knative-service.yaml", "serving.knative.dev", "v1", "Service", "services", "hello"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(std::string(c.file));
    testing::ReviewSpec spec;
    spec.group = c.group;
    spec.version = c.version;
    spec.kind = c.kind;
    spec.resource = c.resource;
    spec.name = c.name;
    spec.object_yaml = fixture(c.file);
    Decision d = decide_review(spec);
    ASSERT_EQ(d.verdict, Verdict::Denied) << d.message;
    EXPECT_NE(std::find(d.rule_ids.begin(), d.rule_ids.end(), "KG-POD-001"), d.rule_ids.end());
    EXPECT_NE(d.message.find("[KG-POD-001] spec.template.spec.containers[0].securityContext.privileged"),
              std::string::npos)
        << d.message;
    EXPECT_NE(d.message.find(std::string(c.kind) + " shop/" + std::string(c.name)), std::string::npos) << d.message;
  }
}

TEST(CrdWorkloadAdmission, VirtualMachineTemplateIsNotJudgedAsAPod) {
  std::string all = fixture("not-pods.yaml");
  std::string vm = all.substr(0, all.find("\n---"));
  testing::ReviewSpec spec;
  spec.group = "kubevirt.io";
  spec.kind = "VirtualMachine";
  spec.resource = "virtualmachines";
  spec.name = "testvm";
  spec.object_yaml = vm;
  Decision d = decide_review(spec);
  EXPECT_EQ(d.verdict, Verdict::Allowed) << d.message;
  for (const auto& f : d.findings) EXPECT_TRUE(f.container.empty()) << f.rule_id;
}

}  // namespace
}  // namespace kg::admission
