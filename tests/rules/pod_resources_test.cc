// KG-POD-018 to 020 (requests and limits) and 024, 025 (probes).
#include <gtest/gtest.h>

#include "rules/pod_test_util.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

// ---- KG-POD-018 missing-resource-requests

TEST(PodResourceRequests, NamesWhatIsMissing) {
  auto f = findings_of("KG-POD-018", pod_yaml("  containers:\n"
                                              "  - name: none\n"
                                              "    image: nginx:1.25\n"
                                              "  - name: cpu-only\n"
                                              "    image: nginx:1.25\n"
                                              "    resources:\n"
                                              "      requests:\n"
                                              "        cpu: 100m\n"));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].path, "spec.containers[0]");
  EXPECT_NE(f[0].message.find("CPU and memory requests"), std::string::npos);
  EXPECT_EQ(f[1].path, "spec.containers[1].resources.requests");
  EXPECT_NE(f[1].message.find("no memory request"), std::string::npos);
}

TEST(PodResourceRequests, RequestsOrLimitsPass) {
  // The API server copies a limit into a missing request.
  EXPECT_TRUE(findings_of("KG-POD-018", pod_yaml("  containers:\n"
                                                 "  - name: requests\n"
                                                 "    image: nginx:1.25\n"
                                                 "    resources:\n"
                                                 "      requests: {cpu: 100m, memory: 64Mi}\n"
                                                 "  - name: limits\n"
                                                 "    image: nginx:1.25\n"
                                                 "    resources:\n"
                                                 "      limits: {cpu: 100m, memory: 64Mi}\n"))
                  .empty());
}

TEST(PodResourceRequests, InitAndSidecarCountButEphemeralDoesNot) {
  auto f = findings_of("KG-POD-018", pod_yaml("  initContainers:\n"
                                              "  - name: setup\n"
                                              "    image: busybox:1.36\n"
                                              "  - name: proxy\n"
                                              "    image: envoy:1.30\n"
                                              "    restartPolicy: Always\n"
                                              "  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    resources:\n"
                                              "      requests: {cpu: 100m, memory: 64Mi}\n"
                                              "  ephemeralContainers:\n"
                                              "  - name: debugger\n"
                                              "    image: busybox:1.36\n"));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].container, "setup");
  EXPECT_EQ(f[1].container, "proxy");
}

// ---- KG-POD-019 missing-memory-limit, KG-POD-020 missing-cpu-limit

TEST(PodResourceLimits, MissingLimitsAreReportedSeparately) {
  std::string yaml = pod_yaml(
      "  containers:\n"
      "  - name: app\n"
      "    image: nginx:1.25\n"
      "    resources:\n"
      "      limits:\n"
      "        cpu: 500m\n"
      "  - name: other\n"
      "    image: nginx:1.25\n"
      "    resources:\n"
      "      limits:\n"
      "        memory: 128Mi\n");
  auto memory = findings_of("KG-POD-019", yaml);
  ASSERT_EQ(memory.size(), 1u);
  EXPECT_EQ(memory[0].container, "app");
  EXPECT_EQ(memory[0].path, "spec.containers[0].resources.limits");
  EXPECT_EQ(memory[0].mark.line, 12u);
  EXPECT_EQ(memory[0].severity, rules::Severity::Medium);
  auto cpu = findings_of("KG-POD-020", yaml);
  ASSERT_EQ(cpu.size(), 1u);
  EXPECT_EQ(cpu[0].container, "other");
  EXPECT_EQ(cpu[0].severity, rules::Severity::Low);
}

TEST(PodResourceLimits, BothLimitsPass) {
  std::string yaml = pod_yaml(
      "  containers:\n"
      "  - name: app\n"
      "    image: nginx:1.25\n"
      "    resources:\n"
      "      limits: {cpu: 500m, memory: 128Mi}\n"
      "  ephemeralContainers:\n"
      "  - name: debugger\n"
      "    image: busybox:1.36\n");
  EXPECT_TRUE(findings_of("KG-POD-019", yaml).empty());
  EXPECT_TRUE(findings_of("KG-POD-020", yaml).empty());
}

// ---- KG-POD-024 missing-liveness-probe, KG-POD-025 missing-readiness-probe

const std::string_view kProbeSpec =
    "  initContainers:\n"
    "  - name: setup\n"
    "    image: busybox:1.36\n"
    "  - name: proxy\n"
    "    image: envoy:1.30\n"
    "    restartPolicy: Always\n"
    "  containers:\n"
    "  - name: app\n"
    "    image: nginx:1.25\n"
    "  ephemeralContainers:\n"
    "  - name: debugger\n"
    "    image: busybox:1.36\n";

TEST(PodProbes, LivenessCoversRegularAndNativeSidecars) {
  auto f = findings_of("KG-POD-024", pod_yaml(kProbeSpec));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].container, "proxy");
  EXPECT_EQ(f[0].path, "spec.initContainers[1]");
  EXPECT_EQ(f[1].container, "app");
  EXPECT_EQ(f[1].path, "spec.containers[0]");
}

TEST(PodProbes, ReadinessCoversRegularContainersOnly) {
  auto f = findings_of("KG-POD-025", pod_yaml(kProbeSpec));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].container, "app");
}

TEST(PodProbes, ProbesPresentPass) {
  std::string yaml = pod_yaml(
      "  containers:\n"
      "  - name: app\n"
      "    image: nginx:1.25\n"
      "    livenessProbe:\n"
      "      httpGet: {path: /healthz, port: 8080}\n"
      "    readinessProbe:\n"
      "      httpGet: {path: /ready, port: 8080}\n");
  EXPECT_TRUE(findings_of("KG-POD-024", yaml).empty());
  EXPECT_TRUE(findings_of("KG-POD-025", yaml).empty());
}

TEST(PodProbes, RunToCompletionPodsAreSkipped) {
  for (std::string_view policy : {"Never", "OnFailure"}) {
    std::string yaml = pod_yaml("  restartPolicy: " + std::string(policy) +
                                "\n"
                                "  containers:\n"
                                "  - name: app\n"
                                "    image: nginx:1.25\n");
    EXPECT_TRUE(findings_of("KG-POD-024", yaml).empty()) << policy;
    EXPECT_TRUE(findings_of("KG-POD-025", yaml).empty()) << policy;
  }
}

TEST(PodProbes, JobsAndCronJobsAreSkippedDeploymentsAreNot) {
  std::string job =
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n"
      "      restartPolicy: Never\n      containers:\n      - name: app\n        image: busybox:1.36\n";
  std::string cron =
      "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: '* * * * *'\n"
      "  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n"
      "          - name: app\n            image: busybox:1.36\n";
  std::string deployment =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n"
      "    spec:\n      containers:\n      - name: app\n        image: nginx:1.25\n";
  EXPECT_TRUE(findings_of("KG-POD-024", job).empty());
  EXPECT_TRUE(findings_of("KG-POD-025", cron).empty());
  auto f = findings_of("KG-POD-025", deployment);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.template.spec.containers[0]");
}

}  // namespace
}  // namespace kg::testing
