// One positive and one negative case (at least) per WH rule.
#include <gtest/gtest.h>

#include "rules/wh_test_fixtures.h"
#include "support/test_support.h"

namespace kg {
namespace {

using testing::findings_of;
using testing::wh::kPodCreateRules;
using testing::wh::kServiceTarget;
using testing::wh::mutating;
using testing::wh::validating;

std::string webhook(std::string_view name, std::string_view body) {
  return fmt::format("- name: {}\n  sideEffects: None\n  admissionReviewVersions: [v1]\n{}", name, body);
}

// --- KG-WH-001 unapproved-pod-mutating-webhook

TEST(WhUnapprovedMutating, PodCreateInAllNamespacesIsReported) {
  auto f = findings_of(
      "KG-WH-001", mutating(webhook("inject.example.io", std::string(kPodCreateRules) + std::string(kServiceTarget))));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "webhooks[0].rules");
  EXPECT_EQ(f[0].severity, rules::Severity::Critical);
  EXPECT_NE(f[0].message.find("inject.example.io"), std::string::npos);
  EXPECT_NE(f[0].message.find("service tools/helper"), std::string::npos);
}

TEST(WhUnapprovedMutating, WorkloadKindsAndWildcardsCount) {
  for (std::string_view rule : {
           R"(["CREATE"], apiGroups: ["apps"], apiVersions: ["v1"], resources: ["deployments"])",
           R"(["UPDATE"], apiGroups: ["batch"], apiVersions: ["v1"], resources: ["cronjobs"])",
           R"(["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*"])",
           R"(["CREATE"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*/*"])",
           R"(["UPDATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods/ephemeralcontainers"])",
       }) {
    std::string body = fmt::format("  rules:\n  - {{operations: {}}}\n{}", rule, kServiceTarget);
    EXPECT_EQ(findings_of("KG-WH-001", mutating(webhook("w.example.io", body))).size(), 1u) << rule;
  }
}

TEST(WhUnapprovedMutating, OtherResourcesGroupsAndOperationsAreQuiet) {
  for (std::string_view rule : {
           R"(["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"])",
           R"(["DELETE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"])",
           R"(["CREATE"], apiGroups: ["apps"], apiVersions: ["v1"], resources: ["pods"])",
           R"(["UPDATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods/status"])",
       }) {
    std::string body = fmt::format("  rules:\n  - {{operations: {}}}\n{}", rule, kServiceTarget);
    EXPECT_TRUE(findings_of("KG-WH-001", mutating(webhook("w.example.io", body))).empty()) << rule;
  }
}

TEST(WhUnapprovedMutating, ValidatingWebhookIsNotThisRule) {
  EXPECT_TRUE(findings_of("KG-WH-001", validating(webhook("v.example.io",
                                                          std::string(kPodCreateRules) + std::string(kServiceTarget))))
                  .empty());
}

TEST(WhUnapprovedMutating, OptInSelectorLimitsIt) {
  std::string rules_and_target = std::string(kPodCreateRules) + std::string(kServiceTarget);
  for (std::string_view selector : {
           "  namespaceSelector:\n    matchLabels: {injection: enabled}\n",
           "  objectSelector:\n    matchExpressions: [{key: inject, operator: In, values: [\"true\"]}]\n",
           "  namespaceSelector:\n    matchExpressions: [{key: team-injection, operator: Exists}]\n",
       }) {
    std::string body = std::string(selector) + rules_and_target;
    EXPECT_TRUE(findings_of("KG-WH-001", mutating(webhook("w.example.io", body))).empty()) << selector;
  }
}

TEST(WhUnapprovedMutating, EmptyOrNegativeOnlySelectorsStillMatchEverything) {
  std::string rules_and_target = std::string(kPodCreateRules) + std::string(kServiceTarget);
  for (std::string_view selector : {
           "  namespaceSelector: {}\n  objectSelector: {}\n",
           "  objectSelector:\n    matchExpressions: [{key: skip-me, operator: DoesNotExist}]\n",
           "  namespaceSelector:\n    matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, "
           "values: [kube-system]}]\n",
           "  namespaceSelector:\n    matchExpressions: [{key: kubernetes.io/metadata.name, operator: Exists}]\n",
       }) {
    std::string body = std::string(selector) + rules_and_target;
    EXPECT_EQ(findings_of("KG-WH-001", mutating(webhook("w.example.io", body))).size(), 1u) << selector;
  }
}

TEST(WhUnapprovedMutating, BuiltInInjectorsAreApproved) {
  std::string istio = webhook(
      "rev.namespace.sidecar-injector.istio.io",
      std::string(kPodCreateRules) + "  clientConfig:\n    service: {namespace: istio-system, name: istiod-1-22}\n");
  std::string linkerd =
      webhook("linkerd-proxy-injector.linkerd.io",
              std::string(kPodCreateRules) +
                  "  clientConfig:\n    service: {namespace: linkerd, name: linkerd-proxy-injector}\n");
  EXPECT_TRUE(findings_of("KG-WH-001", mutating(istio)).empty());
  EXPECT_TRUE(findings_of("KG-WH-001", mutating(linkerd)).empty());
}

// --- KG-WH-002 webhook-external-url

std::string url_webhook(std::string_view url) {
  return mutating(webhook("u.example.io",
                          fmt::format("{}  clientConfig:\n    url: {}\n    caBundle: Y2E=\n", kPodCreateRules, url)));
}

TEST(WhExternalUrl, IpLiteralExternalAndClusterLocalHostsAreReportedWithTheirWording) {
  auto ip = findings_of("KG-WH-002", url_webhook("https://203.0.113.7:8443/mutate"));
  ASSERT_EQ(ip.size(), 1u);
  EXPECT_EQ(ip[0].path, "webhooks[0].clientConfig.url");
  EXPECT_NE(ip[0].message.find("IP address 203.0.113.7"), std::string::npos);
  EXPECT_NE(ip[0].message.find("u.example.io"), std::string::npos);

  auto v6 = findings_of("KG-WH-002", url_webhook("https://[2001:db8::1]/mutate"));
  ASSERT_EQ(v6.size(), 1u);
  EXPECT_NE(v6[0].message.find("IP address [2001:db8::1]"), std::string::npos);

  auto external = findings_of("KG-WH-002", url_webhook("https://hooks.attacker.example/mutate"));
  ASSERT_EQ(external.size(), 1u);
  EXPECT_NE(external[0].message.find("host hooks.attacker.example, which is not a cluster service name"),
            std::string::npos);

  auto local = findings_of("KG-WH-002", url_webhook("https://helper.tools.svc:443/mutate"));
  ASSERT_EQ(local.size(), 1u);
  EXPECT_NE(local[0].message.find("cluster-local host helper.tools.svc"), std::string::npos);
}

TEST(WhExternalUrl, ServiceReferenceIsQuiet) {
  EXPECT_TRUE(findings_of("KG-WH-002",
                          mutating(webhook("s.example.io", std::string(kPodCreateRules) + std::string(kServiceTarget))))
                  .empty());
}

// --- KG-WH-003 webhook-missing-ca-bundle

TEST(WhMissingCaBundle, MissingOrEmptyBundleIsReported) {
  auto missing = findings_of(
      "KG-WH-003", validating(webhook("v.example.io", "  clientConfig:\n    service: {namespace: a, name: b}\n")));
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].path, "webhooks[0].clientConfig");
  EXPECT_NE(missing[0].message.find("v.example.io"), std::string::npos);

  auto empty = findings_of(
      "KG-WH-003", validating(webhook("v.example.io",
                                      "  clientConfig:\n    service: {namespace: a, name: b}\n    caBundle: \"\"\n")));
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(empty[0].path, "webhooks[0].clientConfig.caBundle");
}

TEST(WhMissingCaBundle, BundleOrCaInjectionAnnotationPasses) {
  EXPECT_TRUE(findings_of("KG-WH-003", validating(webhook("v.example.io", kServiceTarget))).empty());
  std::string no_bundle = webhook("v.example.io", "  clientConfig:\n    service: {namespace: a, name: b}\n");
  EXPECT_TRUE(
      findings_of("KG-WH-003", validating(no_bundle, "v1", "    cert-manager.io/inject-ca-from: tools/helper-cert\n"))
          .empty());
  EXPECT_TRUE(findings_of("KG-WH-003",
                          validating(no_bundle, "v1beta1", "    certmanager.k8s.io/inject-apiserver-ca: \"true\"\n"))
                  .empty());
}

TEST(WhMissingCaBundle, ApprovedInjectorWhoseControlPlaneWritesTheBundlePasses) {
  std::string istio =
      webhook("object.sidecar-injector.istio.io",
              std::string(kPodCreateRules) + "  clientConfig:\n    service: {namespace: istio-system, name: istiod}\n");
  EXPECT_TRUE(findings_of("KG-WH-003", mutating(istio)).empty());
}

// --- KG-WH-004 webhook-fails-open

TEST(WhFailsOpen, IgnoreIsReportedMedium) {
  auto f = findings_of("KG-WH-004",
                       validating(webhook("v.example.io", std::string(kServiceTarget) + "  failurePolicy: Ignore\n")));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "webhooks[0].failurePolicy");
  EXPECT_EQ(f[0].severity, rules::Severity::Medium);
  EXPECT_NE(f[0].message.find("v.example.io"), std::string::npos);
}

TEST(WhFailsOpen, SecurityLookingValidatingWebhookOnPodsIsHigh) {
  auto f = findings_of("KG-WH-004", validating(webhook("validation.gatekeeper.sh", std::string(kPodCreateRules) +
                                                                                       std::string(kServiceTarget) +
                                                                                       "  failurePolicy: Ignore\n")));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, rules::Severity::High);
  // The same name on a webhook that gates no workload stays medium.
  auto g = findings_of("KG-WH-004", validating(webhook("validation.gatekeeper.sh",
                                                       std::string(kServiceTarget) + "  failurePolicy: Ignore\n")));
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].severity, rules::Severity::Medium);
}

TEST(WhFailsOpen, V1beta1DefaultIsIgnoreV1DefaultIsFail) {
  std::string no_policy = webhook("v.example.io", kServiceTarget);
  auto beta = findings_of("KG-WH-004", validating(no_policy, "v1beta1"));
  ASSERT_EQ(beta.size(), 1u);
  EXPECT_EQ(beta[0].path, "webhooks[0]");
  EXPECT_TRUE(findings_of("KG-WH-004", validating(no_policy, "v1")).empty());
  EXPECT_TRUE(findings_of("KG-WH-004",
                          validating(webhook("v.example.io", std::string(kServiceTarget) + "  failurePolicy: Fail\n"),
                                     "v1beta1"))
                  .empty());
}

// --- KG-WH-005 webhook-reinvocation

TEST(WhReinvocation, IfNeededOnMutatingIsReported) {
  auto f = findings_of(
      "KG-WH-005", mutating(webhook("m.example.io", std::string(kServiceTarget) + "  reinvocationPolicy: IfNeeded\n")));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "webhooks[0].reinvocationPolicy");
  EXPECT_NE(f[0].message.find("m.example.io"), std::string::npos);
}

TEST(WhReinvocation, NeverOrAbsentIsQuiet) {
  EXPECT_TRUE(findings_of("KG-WH-005", mutating(webhook("m.example.io",
                                                        std::string(kServiceTarget) + "  reinvocationPolicy: Never\n")))
                  .empty());
  EXPECT_TRUE(findings_of("KG-WH-005", mutating(webhook("m.example.io", kServiceTarget))).empty());
}

// --- KG-WH-006 webhook-namespace-opt-out

TEST(WhNamespaceOptOut, OwnerControlledLabelsAreNamed) {
  std::string body = std::string(kServiceTarget) + R"(  namespaceSelector:
    matchLabels: {policy: enforced}
    matchExpressions:
    - {key: skip-validation, operator: NotIn, values: ["true"]}
    - {key: legacy, operator: DoesNotExist}
    - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}
)";
  auto f = findings_of("KG-WH-006", validating(webhook("v.example.io", body)));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].path, "webhooks[0].namespaceSelector.matchLabels.policy");
  EXPECT_NE(f[0].message.find("removing label 'policy'"), std::string::npos);
  EXPECT_EQ(f[1].path, "webhooks[0].namespaceSelector.matchExpressions[0]");
  EXPECT_NE(f[1].message.find("label 'skip-validation' is one of [true]"), std::string::npos);
  EXPECT_EQ(f[2].path, "webhooks[0].namespaceSelector.matchExpressions[1]");
  EXPECT_NE(f[2].message.find("label 'legacy'"), std::string::npos);
  EXPECT_NE(f[2].message.find("v.example.io"), std::string::npos);
}

TEST(WhNamespaceOptOut, MetadataNameLabelAndNonPodMutatingWebhooksAreQuiet) {
  std::string by_name = std::string(kServiceTarget) + R"(  namespaceSelector:
    matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}]
)";
  EXPECT_TRUE(findings_of("KG-WH-006", validating(webhook("v.example.io", by_name))).empty());
  std::string opt_out = std::string(kServiceTarget) + R"(  namespaceSelector:
    matchExpressions: [{key: skip, operator: DoesNotExist}]
  rules:
  - {operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"]}
)";
  EXPECT_TRUE(findings_of("KG-WH-006", mutating(webhook("m.example.io", opt_out))).empty());
  // ...but the same opt-out on a mutating webhook that receives pods is reported.
  std::string on_pods = std::string(kServiceTarget) + std::string(kPodCreateRules) +
                        "  namespaceSelector:\n    matchExpressions: [{key: skip, operator: DoesNotExist}]\n";
  EXPECT_EQ(findings_of("KG-WH-006", mutating(webhook("m.example.io", on_pods))).size(), 1u);
}

// --- KG-WH-007 webhook-timeout-near-max

TEST(WhTimeout, NearMaximumOrV1beta1DefaultIsReported) {
  auto f = findings_of("KG-WH-007",
                       validating(webhook("v.example.io", std::string(kServiceTarget) + "  timeoutSeconds: 28\n")));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "webhooks[0].timeoutSeconds");
  EXPECT_NE(f[0].message.find("28 seconds"), std::string::npos);
  EXPECT_EQ(findings_of("KG-WH-007", validating(webhook("v.example.io", kServiceTarget), "v1beta1")).size(), 1u);
}

TEST(WhTimeout, ShortOrV1DefaultIsQuiet) {
  EXPECT_TRUE(findings_of("KG-WH-007",
                          validating(webhook("v.example.io", std::string(kServiceTarget) + "  timeoutSeconds: 24\n")))
                  .empty());
  EXPECT_TRUE(findings_of("KG-WH-007", validating(webhook("v.example.io", kServiceTarget))).empty());
}

// --- every webhook of a configuration is checked, each under its own path

TEST(WhRules, EachWebhookEntryIsReportedUnderItsOwnIndex) {
  std::string two = webhook("first.example.io", std::string(kServiceTarget) + "  failurePolicy: Fail\n") +
                    webhook("second.example.io", std::string(kServiceTarget) + "  failurePolicy: Ignore\n");
  auto f = findings_of("KG-WH-004", validating(two));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "webhooks[1].failurePolicy");
  EXPECT_NE(f[0].message.find("second.example.io"), std::string::npos);
}

TEST(WhRules, OtherApiGroupsWithTheSameKindAreIgnored) {
  std::string body = webhook("v.example.io", std::string(kServiceTarget) + "  failurePolicy: Ignore\n");
  std::string foreign =
      "apiVersion: example.com/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: x\n"
      "webhooks:\n" +
      body;
  EXPECT_TRUE(findings_of("KG-WH-004", foreign).empty());
}

}  // namespace
}  // namespace kg
