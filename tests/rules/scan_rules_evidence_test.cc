// Firing and quiet cases, on real manifests where there are some, for the
// scan rules that look at evidence rather than names: Windows HostProcess as
// privileged, credentials in ConfigMaps, malformed digests, bindings to a
// namespace's default service account, the cluster-wide secrets takeover
// path, and KG-SC-001 as an inventory note in manifests their owners wrote.
#include <filesystem>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace kg {
namespace {

namespace fs = std::filesystem;
using testing::findings_of;

TEST(HostProcess, IsPrivilegedForTheDefaultCatalog) {
  std::string dir = testing::corpus("peer-fixtures/polaris/test/checks/hostProcess/");
  auto pod = findings_of("KG-POD-001", testing::read_file(dir + "failure.yaml"));
  ASSERT_EQ(pod.size(), 1u);
  EXPECT_EQ(pod[0].path, "spec.securityContext.windowsOptions.hostProcess");
  EXPECT_NE(pod[0].message.find("HostProcess"), std::string::npos);
  auto container = findings_of("KG-POD-001", testing::read_file(dir + "failure.container.yaml"));
  ASSERT_EQ(container.size(), 1u);
  EXPECT_EQ(container[0].path, "spec.containers[0].securityContext.windowsOptions.hostProcess");
  EXPECT_TRUE(findings_of("KG-POD-001", testing::read_file(dir + "success.yaml")).empty());
  // The container's false overrides nothing here (the pod does not set it) and is quiet.
  EXPECT_TRUE(findings_of("KG-POD-001", testing::read_file(dir + "success.container.yaml")).empty());
  // A container's own windowsOptions without hostProcess inherits the pod's true.
  constexpr std::string_view kInherited = R"(apiVersion: v1
kind: Pod
metadata: {name: w}
spec:
  securityContext: {windowsOptions: {hostProcess: true}}
  hostNetwork: true
  containers: [{name: c, image: x:1, securityContext: {windowsOptions: {gmsaCredentialSpecName: g}}}]
)";
  EXPECT_EQ(findings_of("KG-POD-001", kInherited).size(), 1u);
}

TEST(RunAsGroupZero, ANonRootUserWithTheRootGroupIsMedium) {
  auto f = findings_of(
      "KG-POD-003", testing::read_file(testing::corpus("peer-fixtures/kube-linter/tests/checks/run-as-non-root.yml")));
  // The Deployment group-zero and the DeploymentConfig group-zero (read for
  // its pod template, as kube-linter reads it).
  std::vector<std::string> paths;
  for (const auto& finding : f) {
    if (finding.message.find("root group") == std::string::npos) continue;
    EXPECT_EQ(finding.object.name, "group-zero");
    EXPECT_EQ(finding.severity, rules::Severity::Medium);
    paths.push_back(finding.object.kind + " " + finding.path);
  }
  EXPECT_EQ(paths,
            (std::vector<std::string>{"Deployment spec.template.spec.containers[0].securityContext.runAsGroup",
                                      "DeploymentConfig spec.template.spec.containers[0].securityContext.runAsGroup"}));
  // kube-prometheus runs with non-root groups (65532, 65534): no group finding.
  for (std::string_view file :
       {"nodeExporter-daemonset.yaml", "prometheusOperator-deployment.yaml", "blackboxExporter-deployment.yaml"}) {
    for (const auto& finding :
         findings_of("KG-POD-003",
                     testing::read_file(testing::corpus("manifests/kube-prometheus/manifests/" + std::string(file))))) {
      EXPECT_EQ(finding.message.find("root group"), std::string::npos) << file << ": " << finding.message;
    }
  }
}

TEST(ConfigMapCredentials, FiresOnCredentialsWithoutPrintingThem) {
  constexpr std::string_view kMap = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: shop}
data:
  DB_PASSWORD: "Tr0ub4dor&3-horse"
  LOG_LEVEL: debug
  PASSWORD_FILE: /etc/app/password
  app.properties: |
    server.port=8080
    spring.datasource.password=s3cr3t-Value-42
  aws.env: |
    export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
)";
  auto f = findings_of("KG-SEC-003", kMap);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].path, "data[\"DB_PASSWORD\"]");
  EXPECT_EQ(f[1].path, "data[\"app.properties\"]");
  EXPECT_NE(f[1].message.find("spring.datasource.password"), std::string::npos) << f[1].message;
  EXPECT_NE(f[2].message.find("AWS access key ID"), std::string::npos) << f[2].message;
  for (const auto& finding : f) {
    EXPECT_EQ(finding.message.find("Tr0ub4dor"), std::string::npos);
    EXPECT_EQ(finding.message.find("s3cr3t"), std::string::npos);
    EXPECT_EQ(finding.message.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos);
  }
  // The same text in the JSON report: never the value.
  auto result = testing::scan_text(kMap);
  for (const auto& finding : result.findings) EXPECT_EQ(finding.message.find("Tr0ub4dor"), std::string::npos);
}

TEST(ConfigMapCredentials, KubescapeFixtures) {
  std::string dir = testing::corpus("peer-fixtures/kubescape/rules/rule-credentials-configmap/test/");
  EXPECT_EQ(findings_of("KG-SEC-003", testing::read_file(dir + "env-value-akia-key/input/configmap.yaml")).size(), 1u)
      << dir;
  EXPECT_EQ(findings_of("KG-SEC-003", testing::read_file(dir + "test-base64/input/configmap.yaml")).size(), 1u);
}

TEST(ConfigMapCredentials, QuietOnTheCorpusConfigMapsButOne) {
  // Real projects' configuration (grafana, prometheus, linkerd, argo-cd,
  // istio addons, the dashboard): settings, dashboards, scripts, empty
  // imagePullSecrets and custom_secrets lists; no credential. Two
  // exceptions are real: istio's OpenTelemetry sample writes the collector's
  // bearer token into its ConfigMap, and kiali's ships the login-token
  // signing key CHANGEME00000000 (anyone who knows it forges logins until
  // it is changed).
  size_t maps = 0;
  size_t otel = 0;
  size_t kiali = 0;
  for (const auto& e : fs::recursive_directory_iterator(testing::corpus("manifests"))) {
    if (!e.is_regular_file()) continue;
    std::string ext = e.path().extension().string();
    if (ext != ".yaml" && ext != ".yml") continue;
    std::string text = testing::read_file(e.path().string());
    if (text.find("kind: ConfigMap") == std::string::npos) continue;
    ++maps;
    for (const auto& f : findings_of("KG-SEC-003", text)) {
      if (f.object.name == "opentelemetry-collector-conf") {
        EXPECT_NE(f.message.find("setting 'token'"), std::string::npos) << f.message;
        EXPECT_EQ(f.message.find("somerandomtoken"), std::string::npos) << f.message;
        ++otel;
        continue;
      }
      if (f.object.name == "kiali") {
        EXPECT_NE(f.message.find("setting 'signing_key'"), std::string::npos) << f.message;
        EXPECT_EQ(f.message.find("CHANGEME"), std::string::npos) << f.message;
        ++kiali;
        continue;
      }
      ADD_FAILURE() << e.path() << ": " << f.object.name << " " << f.path << ": " << f.message;
    }
  }
  EXPECT_GE(maps, 15u);
  EXPECT_EQ(otel, 1u);
  EXPECT_EQ(kiali, 1u);
}

TEST(ImageDigest, MalformedDigestPinsNothing) {
  constexpr std::string_view kPod = R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: short, image: "registry.example.com/app:1.0@sha256:abc"}
    - {name: good, image: "registry.example.com/app:1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
)";
  auto f = findings_of("KG-IMG-002", kPod);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].container, "short");
  EXPECT_NE(f[0].message.find("malformed digest"), std::string::npos) << f[0].message;
}

TEST(DefaultServiceAccountBinding, FiresOnBindingsToDefaultOnly) {
  constexpr std::string_view kBindings = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: default-view, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: default}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: default-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: default, namespace: tools}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-view, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: app}]
)";
  auto f = findings_of("KG-RBAC-018", kBindings);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].object.name, "default-view");
  EXPECT_EQ(f[0].severity, rules::Severity::Medium);
  EXPECT_EQ(f[0].path, "subjects[0]");
  EXPECT_NE(f[0].message.find("ServiceAccount shop/default"), std::string::npos) << f[0].message;
  EXPECT_EQ(f[1].object.name, "default-admin");
  EXPECT_EQ(f[1].severity, rules::Severity::High);
  // kubescape's fixture binds its ClusterRole to default/default as well as to a group.
  std::string dir = testing::corpus("peer-fixtures/kubescape/rules/workload-with-administrative-roles/test/");
  std::string kubescape = testing::read_file(dir + "pass-wl-limited-permissions/input/clusterrolebinding.yaml") +
                          "\n---\n" + testing::read_file(dir + "pass-wl-limited-permissions/input/clusterrole.yaml");
  auto real = findings_of("KG-RBAC-018", kubescape);
  ASSERT_EQ(real.size(), 1u);
  EXPECT_EQ(real[0].severity, rules::Severity::High);  // a ClusterRoleBinding
  EXPECT_NE(real[0].message.find("ServiceAccount default/default"), std::string::npos) << real[0].message;
  // Real manifests bind their own accounts, never default.
  for (std::string_view file :
       {"manifests/argo-cd/manifests/install.yaml", "manifests/cert-manager/deploy/manifests/cert-manager.yaml",
        "manifests/kubernetes-dashboard/v2.7.0/aio/deploy/recommended.yaml"}) {
    EXPECT_TRUE(findings_of("KG-RBAC-018", testing::read_file(testing::corpus(file))).empty()) << file;
  }
}

TEST(SecretsTakeoverPath, ClusterWideSecretReadersAreOnTheAttackPaths) {
  constexpr std::string_view kReader = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules: [{apiGroups: [""], resources: [secrets], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: %BINDING%
metadata: {name: reader, namespace: tools}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects: [{kind: ServiceAccount, name: exporter, namespace: tools}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: exporter, namespace: tools}
spec:
  template:
    spec:
      serviceAccountName: exporter
      containers: [{name: e, image: registry.example.com/exporter:1}]
)";
  std::string cluster(kReader);
  cluster.replace(cluster.find("%BINDING%"), 9, "ClusterRoleBinding");
  auto f = findings_of("KG-RBAC-017", cluster);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("secrets-read"), std::string::npos) << f[0].message;
  // The same role granted in one namespace only is KG-RBAC-011's, not a takeover.
  std::string local(kReader);
  local.replace(local.find("%BINDING%"), 9, "RoleBinding");
  EXPECT_TRUE(findings_of("KG-RBAC-017", local).empty());
  EXPECT_EQ(findings_of("KG-RBAC-011", local).size(), 1u);
}

TEST(SidecarPrecision, ExtraContainersTheOwnerWroteAreALowNote) {
  // Real multi-container workloads whose owners wrote every container.
  struct Real {
    std::string_view file;
    std::string_view object;
  };
  for (const Real& r :
       {Real{"manifests/linkerd2/inject/inject_contour.input.yml", "contour"},  // envoy beside contour
        Real{"manifests/istio/samples/addons/prometheus.yaml", "prometheus"},
        Real{"manifests/kube-prometheus/manifests/kubeStateMetrics-deployment.yaml", "kube-state-metrics"},
        Real{"manifests/kube-prometheus/manifests/blackboxExporter-deployment.yaml", "blackbox-exporter"}}) {
    auto f = findings_of("KG-SC-001", testing::read_file(testing::corpus(r.file)));
    ASSERT_FALSE(f.empty()) << r.file;
    for (const auto& finding : f) {
      EXPECT_EQ(finding.severity, rules::Severity::Low) << r.file << " " << finding.container;
      EXPECT_EQ(finding.object.name, r.object);
    }
  }
  // A strict gate asks for it through the usual severity override.
  engine::Config strict;
  strict.severity_overrides["KG-SC-001"] = rules::Severity::High;
  auto f = findings_of("KG-SC-001",
                       testing::read_file(testing::corpus("manifests/istio/samples/addons/prometheus.yaml")), strict);
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f[0].severity, rules::Severity::High);
}

TEST(SidecarPrecision, IstioTransparentProxyModeIsWordedAsTheInjectorsMode) {
  // Injected istio workloads: istio-init runs as root with NET_ADMIN and
  // NET_RAW; that stays reported (high), in istio's terms.
  std::string dir = testing::corpus("manifests/istio/injected-sidecars/");
  size_t worded = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    for (const auto& f : findings_of("KG-POD-005", testing::read_file(e.path().string()))) {
      if (f.container != "istio-init") continue;
      EXPECT_GE(f.severity, rules::Severity::High);
      EXPECT_NE(f.message.find("istio's transparent-proxy mode"), std::string::npos) << f.message;
      ++worded;
    }
  }
  EXPECT_GE(worded, 10u);
  // The application's own container added NET_ADMIN is not the injector's mode.
  constexpr std::string_view kApp = R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: app, image: registry.example.com/app:1, securityContext: {capabilities: {add: [NET_ADMIN]}}}]
)";
  auto app = findings_of("KG-POD-005", kApp);
  ASSERT_EQ(app.size(), 1u);
  EXPECT_EQ(app[0].message.find("istio"), std::string::npos);
}

}  // namespace
}  // namespace kg
