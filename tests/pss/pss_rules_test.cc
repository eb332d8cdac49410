// The KG-PSS rules: catalog metadata and when they fire.
#include "rules/pss/pss_rules.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pss/registry.h"
#include "support/test_support.h"

namespace kg {
namespace {

using testing::findings_of;

engine::Config with_policy(std::string_view policy) {
  engine::Config config;
  config.settings.pss = pss::parse_policy(policy);
  return config;
}

constexpr std::string_view kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: app
        image: registry.example/app:1
        securityContext:
          privileged: true
          capabilities:
            add: [NET_ADMIN]
)";

TEST(PssRules, OneRulePerUpstreamCheckInRegistryOrder) {
  auto rules = rules::pss_family::pss_rules();
  auto checks = pss::all_checks();
  ASSERT_EQ(rules.size(), checks.size());
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& meta = rules[i].meta;
    const auto& check = checks[i];
    EXPECT_EQ(meta.id, fmt::format("KG-PSS-{:03}", i + 1));
    EXPECT_EQ(rules[i].check, check.id);
    EXPECT_TRUE(meta.slug.starts_with("pss-")) << meta.slug;
    EXPECT_NE(meta.title.find(check.id), std::string_view::npos) << meta.title;
    EXPECT_EQ(meta.severity, check.level == pss::Level::Baseline ? rules::Severity::High : rules::Severity::Medium);
    bool has_pss_ref = false;
    bool has_standard = false;
    for (const auto& r : meta.references) {
      if (r.kind == rules::ReferenceKind::Pss) {
        has_pss_ref = true;
        EXPECT_EQ(r.id, fmt::format("{}/{}", pss::level_name(check.level), check.id));
      }
      has_standard = has_standard || r.id == rules::ref::kPodSecurityStandards.id;
    }
    EXPECT_TRUE(has_pss_ref && has_standard) << meta.id;
    EXPECT_FALSE(meta.remediation.empty());
    EXPECT_NE(testing::catalog().find(meta.id), nullptr) << meta.id;
    EXPECT_NE(testing::catalog().find(meta.slug), nullptr) << meta.slug;
  }
  EXPECT_EQ(rules[2].meta.slug, "pss-privileged");
  EXPECT_EQ(rules[16].meta.slug, "pss-seccomp-profile-restricted");
}

TEST(PssRules, SilentWithoutAPolicy) {
  EXPECT_TRUE(findings_of("KG-PSS-003", kDeployment).empty());
  EXPECT_TRUE(findings_of("KG-PSS-003", kDeployment, with_policy("privileged")).empty());
}

TEST(PssRules, ReportTheFailingFieldWithItsPosition) {
  auto found = findings_of("KG-PSS-003", kDeployment, with_policy("baseline:v1.30"));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].path, "spec.template.spec.containers[0].securityContext.privileged");
  EXPECT_EQ(found[0].mark.line, 13u);
  EXPECT_EQ(found[0].container, "app");
  EXPECT_EQ(found[0].severity, rules::Severity::High);
  EXPECT_NE(found[0].message.find("must not set securityContext.privileged=true"), std::string::npos)
      << found[0].message;
}

TEST(PssRules, RunOnlyTheChecksOfTheLevelAndVersion) {
  // Restricted-only checks stay quiet under baseline.
  EXPECT_TRUE(findings_of("KG-PSS-014", kDeployment, with_policy("baseline:latest")).empty());
  EXPECT_FALSE(findings_of("KG-PSS-014", kDeployment, with_policy("restricted:latest")).empty());
  // capabilities_baseline gives way to capabilities_restricted from 1.22 under restricted.
  EXPECT_EQ(findings_of("KG-PSS-004", kDeployment, with_policy("restricted:v1.21")).size(), 1u);
  EXPECT_TRUE(findings_of("KG-PSS-018", kDeployment, with_policy("restricted:v1.21")).empty());
  EXPECT_TRUE(findings_of("KG-PSS-004", kDeployment, with_policy("restricted:v1.22")).empty());
  auto restricted = findings_of("KG-PSS-018", kDeployment, with_policy("restricted:v1.22"));
  ASSERT_EQ(restricted.size(), 2u);  // drop ALL missing, NET_ADMIN added
  EXPECT_EQ(restricted[1].path, "spec.template.spec.containers[0].securityContext.capabilities.add[0]");
  EXPECT_EQ(restricted[0].severity, rules::Severity::Medium);
  // hostProbesAndHostLifecycle exists from 1.34 only.
  std::string probe =
      std::string(kDeployment) + "        readinessProbe:\n          tcpSocket: {host: db, port: 5432}\n";
  EXPECT_TRUE(findings_of("KG-PSS-012", probe, with_policy("baseline:v1.33")).empty());
  EXPECT_EQ(findings_of("KG-PSS-012", probe, with_policy("baseline:v1.34")).size(), 1u);
}

}  // namespace
}  // namespace kg
