// Approved webhooks: built-in and configured approvals, impersonation, and
// the approvedWebhooks section of .kubeguard.yaml.
#include <gtest/gtest.h>

#include "k8s/webhook_approval.h"
#include "rules/wh_test_fixtures.h"
#include "support/test_support.h"

namespace kg {
namespace {

using testing::findings_of;
using testing::wh::kPodCreateRules;
using testing::wh::mutating;

engine::Config config_from(std::string_view text) {
  auto result = engine::parse_config(text, ".kubeguard.yaml", testing::catalog());
  for (const auto& e : result.errors) ADD_FAILURE() << doc::format_error(e);
  return result.config;
}

// A pod-mutating webhook in all namespaces that is otherwise clean (CA bundle, fails closed).
std::string pod_injector(std::string_view name, std::string_view client_config) {
  return mutating(
      fmt::format("- name: {}\n  sideEffects: None\n  admissionReviewVersions: [v1]\n"
                  "  failurePolicy: Fail\n{}  clientConfig:\n{}    caBundle: Y2E=\n",
                  name, kPodCreateRules, client_config));
}

std::vector<rules::Finding> wh_findings(std::string_view yaml, const engine::Config& config = {}) {
  std::vector<rules::Finding> out;
  for (auto& f : testing::scan_text(yaml, config).findings) {
    if (f.rule_id.starts_with("KG-WH-")) out.push_back(std::move(f));
  }
  return out;
}

TEST(WebhookGlob, StarAndQuestionMark) {
  EXPECT_TRUE(k8s::glob_match("*.sidecar-injector.istio.io", "rev.namespace.sidecar-injector.istio.io"));
  EXPECT_FALSE(k8s::glob_match("*.sidecar-injector.istio.io", "sidecar-injector.istio.io"));
  EXPECT_TRUE(k8s::glob_match("istiod-*", "istiod-1-22"));
  EXPECT_FALSE(k8s::glob_match("istiod-*", "istiod"));
  EXPECT_TRUE(k8s::glob_match("a?c*", "abcdef"));
  EXPECT_TRUE(k8s::glob_match("*", ""));
  EXPECT_FALSE(k8s::glob_match("abc", "abcd"));
}

TEST(WebhookApproval, ConfiguredServiceApprovalMakesThePodInjectorQuiet) {
  std::string yaml = pod_injector("inject.acme.io", "    service: {namespace: acme-system, name: acme-injector}\n");
  ASSERT_EQ(findings_of("KG-WH-001", yaml).size(), 1u);  // unapproved without the configuration
  auto config = config_from(R"(approvedWebhooks:
- name: "inject.acme.io"
  service: {namespace: acme-system, name: "acme-*"}
)");
  ASSERT_EQ(config.settings.approved_webhooks.size(), 1u);
  EXPECT_TRUE(wh_findings(yaml, config).empty());
}

TEST(WebhookApproval, ConfiguredUrlApprovalCoversWh001AndWh002) {
  std::string yaml = pod_injector("ext.acme.io", "    url: https://hooks.acme.example/mutate\n");
  EXPECT_EQ(findings_of("KG-WH-001", yaml).size(), 1u);
  EXPECT_EQ(findings_of("KG-WH-002", yaml).size(), 1u);
  auto config = config_from(R"(approvedWebhooks:
- {name: ext.acme.io, url: "https://hooks.acme.example/*"}
)");
  EXPECT_TRUE(wh_findings(yaml, config).empty());
}

TEST(WebhookApproval, CopiedNameWithAnotherTargetIsImpersonation) {
  auto config = config_from(R"(approvedWebhooks:
- name: "inject.acme.io"
  service: {namespace: acme-system, name: acme-injector}
)");
  std::string yaml = pod_injector("inject.acme.io", "    service: {namespace: default, name: acme-injector}\n");
  auto f = findings_of("KG-WH-008", yaml, config);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, rules::Severity::Critical);
  EXPECT_EQ(f[0].path, "webhooks[0].clientConfig");
  EXPECT_NE(f[0].message.find("calls service default/acme-injector instead of service acme-system/acme-injector"),
            std::string::npos);
  EXPECT_EQ(findings_of("KG-WH-001", yaml, config).size(), 1u);  // and still unapproved
}

TEST(WebhookApproval, BuiltInNamesAreProtected) {
  std::string fake_istio =
      pod_injector("namespace.sidecar-injector.istio.io", "    service: {namespace: kube-system, name: istiod}\n");
  auto f = findings_of("KG-WH-008", fake_istio);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("istio sidecar injector"), std::string::npos);

  std::string fake_linkerd = pod_injector("linkerd-proxy-injector.linkerd.io", "    url: https://198.51.100.4/\n");
  EXPECT_EQ(findings_of("KG-WH-008", fake_linkerd).size(), 1u);

  std::string real_istio =
      pod_injector("namespace.sidecar-injector.istio.io", "    service: {namespace: istio-system, name: istiod}\n");
  EXPECT_TRUE(wh_findings(real_istio).empty());
}

TEST(WebhookApproval, UnrelatedNamesAreNotImpersonation) {
  EXPECT_TRUE(
      findings_of("KG-WH-008", pod_injector("inject.acme.io", "    service: {namespace: a, name: b}\n")).empty());
}

TEST(WebhookApproval, WildcardOnlyNameApprovesByTargetWithoutImpersonation) {
  auto config = config_from(R"(approvedWebhooks:
- name: "*"
  service: {namespace: platform, name: "*"}
)");
  EXPECT_TRUE(wh_findings(pod_injector("a.acme.io", "    service: {namespace: platform, name: x}\n"), config).empty());
  std::string elsewhere = pod_injector("b.acme.io", "    service: {namespace: other, name: x}\n");
  EXPECT_TRUE(findings_of("KG-WH-008", elsewhere, config).empty());
  EXPECT_EQ(findings_of("KG-WH-001", elsewhere, config).size(), 1u);
}

TEST(WebhookApprovalConfig, ErrorsNameFileLineAndField) {
  auto result = engine::parse_config(R"(approvedWebhooks:
- name: a.example.io
  service: {namespace: a}
- {name: b.example.io, service: {namespace: a, name: b}, url: "https://b"}
- {service: {namespace: a, name: b}}
- {name: d.example.io, servcie: {namespace: a, name: b}}
- just-a-string
)",
                                     ".kubeguard.yaml", testing::catalog());
  ASSERT_EQ(result.errors.size(), 5u);
  for (const auto& e : result.errors) {
    EXPECT_EQ(e.file, ".kubeguard.yaml");
    EXPECT_EQ(e.code, doc::ErrorCode::Config);
  }
  EXPECT_EQ(result.errors[0].mark.line, 3u);
  EXPECT_NE(result.errors[0].message.find("approvedWebhooks[0].service: needs both namespace and name"),
            std::string::npos);
  EXPECT_EQ(result.errors[1].mark.line, 4u);
  EXPECT_NE(result.errors[1].message.find("approvedWebhooks[1]: set exactly one of service and url"),
            std::string::npos);
  EXPECT_NE(result.errors[2].message.find("approvedWebhooks[2].name: required"), std::string::npos);
  EXPECT_EQ(result.errors[3].mark.line, 6u);
  EXPECT_NE(result.errors[3].message.find("approvedWebhooks[3].servcie: unknown field"), std::string::npos);
  EXPECT_EQ(result.errors[4].mark.line, 7u);
  EXPECT_NE(result.errors[4].message.find("approvedWebhooks[4]: expected a mapping"), std::string::npos);
  EXPECT_TRUE(result.config.settings.approved_webhooks.empty());
}

TEST(WebhookApprovalConfig, NotAListIsAnError) {
  auto result = engine::parse_config("approvedWebhooks: {name: x}\n", ".kubeguard.yaml", testing::catalog());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].mark.line, 1u);
  EXPECT_NE(result.errors[0].message.find("approvedWebhooks: expected a list"), std::string::npos);
}

}  // namespace
}  // namespace kg
