// Severity overrides, disabled rules, excluded namespaces and the
// kubeguard.io/ignore annotation, seen through a whole scan.
#include <algorithm>

#include <gtest/gtest.h>

#include "engine/config.h"
#include "support/test_support.h"

namespace kg {
namespace {

using testing::findings_of;
using testing::scan_text;

engine::Config config_of(std::string_view text) {
  auto r = engine::parse_config(text, ".kubeguard.yaml", testing::catalog());
  EXPECT_TRUE(r.errors.empty());
  return r.config;
}

constexpr std::string_view kPrivilegedPod = R"(apiVersion: v1
kind: Pod
metadata:
  name: raw
  namespace: legacy
spec:
  containers:
  - name: app
    image: app:1
    securityContext:
      privileged: true
)";

size_t suppressed_count(const engine::ScanResult& r, std::string_view rule) {
  size_t n = 0;
  for (const auto& f : r.findings) n += f.rule_id == rule && f.suppressed ? 1 : 0;
  return n;
}

TEST(Policy, SeverityOverrideChangesFindingSeverity) {
  auto plain = findings_of("KG-POD-001", kPrivilegedPod);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].severity, rules::Severity::Critical);
  auto lowered = findings_of("KG-POD-001", kPrivilegedPod, config_of("severityOverrides: {privileged-container: low}"));
  ASSERT_EQ(lowered.size(), 1u);
  EXPECT_EQ(lowered[0].severity, rules::Severity::Low);
}

TEST(Policy, SeverityOverrideMovesTheSummaryBucket) {
  auto r = scan_text(kPrivilegedPod, config_of("disabledRules: [KG-POD-001]\nseverityOverrides: {KG-NET-001: info}"));
  for (const auto& f : r.findings) {
    if (f.rule_id == "KG-NET-001") {
      EXPECT_EQ(f.severity, rules::Severity::Info);
    }
  }
  EXPECT_GE(r.summary.by_severity[static_cast<size_t>(rules::Severity::Info)], 1u);
}

TEST(Policy, DisabledRulesDoNotRun) {
  EXPECT_EQ(findings_of("KG-POD-001", kPrivilegedPod).size(), 1u);
  EXPECT_TRUE(findings_of("KG-POD-001", kPrivilegedPod, config_of("disabledRules: [KG-POD-001]")).empty());
  EXPECT_TRUE(findings_of("KG-POD-001", kPrivilegedPod, config_of("disabledRules: [privileged-container]")).empty());
  // Inventory rules too.
  EXPECT_EQ(findings_of("KG-NET-001", kPrivilegedPod).size(), 1u);
  EXPECT_TRUE(findings_of("KG-NET-001", kPrivilegedPod, config_of("disabledRules: [workload-not-isolated]")).empty());
}

TEST(Policy, ExcludedNamespacesSuppressAndCount) {
  auto open = scan_text(kPrivilegedPod);
  EXPECT_EQ(suppressed_count(open, "KG-POD-001"), 0u);
  EXPECT_EQ(open.summary.suppressed, 0u);

  auto r = scan_text(kPrivilegedPod, config_of("excludedNamespaces: [legacy]"));
  ASSERT_EQ(r.findings.size(), open.findings.size()) << "suppressed findings are kept";
  for (const auto& f : r.findings) {
    EXPECT_TRUE(f.suppressed) << f.rule_id;
    EXPECT_NE(f.suppression.find("legacy"), std::string::npos);
  }
  EXPECT_EQ(r.summary.suppressed, r.findings.size());
  EXPECT_EQ(r.summary.findings(), 0u);
  EXPECT_EQ(engine::exit_code(r, rules::Severity::Info), 0);
}

TEST(Policy, IgnoreAnnotationOnObjectByIdWithReason) {
  auto r = scan_text(R"(apiVersion: v1
kind: Pod
metadata:
  name: raw
  annotations:
    kubeguard.io/ignore: "KG-POD-001, KG-NET-001"
    kubeguard.io/ignore-reason: needs raw packet capture
spec:
  containers:
  - name: app
    image: app:1
    securityContext: {privileged: true}
)");
  size_t seen = 0;
  for (const auto& f : r.findings) {
    if (f.rule_id != "KG-POD-001" && f.rule_id != "KG-NET-001") continue;
    ++seen;
    EXPECT_TRUE(f.suppressed) << f.rule_id;
    EXPECT_EQ(f.suppression, "annotation: needs raw packet capture");
  }
  EXPECT_EQ(seen, 2u);
  EXPECT_EQ(suppressed_count(r, "KG-POD-001"), 1u);
  EXPECT_EQ(suppressed_count(r, "KG-NET-001"), 1u);
  EXPECT_GE(r.summary.suppressed, 2u);
  EXPECT_EQ(engine::exit_code(r, rules::Severity::Critical), 0);
}

TEST(Policy, IgnoreAnnotationOnPodTemplateBySlug) {
  auto r = scan_text(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: raw
spec:
  template:
    metadata:
      annotations:
        kubeguard.io/ignore: privileged-container
    spec:
      containers:
      - name: app
        image: app:1
        securityContext: {privileged: true}
)");
  EXPECT_EQ(suppressed_count(r, "KG-POD-001"), 1u);
  for (const auto& f : r.findings) {
    if (f.rule_id == "KG-POD-001") {
      EXPECT_EQ(f.suppression, "annotation");
    }
    if (f.rule_id == "KG-NET-001") {
      EXPECT_FALSE(f.suppressed) << "only the listed rule is ignored";
    }
  }
}

TEST(Policy, IgnoreAnnotationForAnotherRuleDoesNotSuppress) {
  auto r = scan_text(R"(apiVersion: v1
kind: Pod
metadata:
  name: raw
  annotations:
    kubeguard.io/ignore: KG-SEC-002
spec:
  containers:
  - name: app
    image: app:1
    securityContext: {privileged: true}
)");
  auto f = std::find_if(r.findings.begin(), r.findings.end(), [](const auto& x) { return x.rule_id == "KG-POD-001"; });
  ASSERT_NE(f, r.findings.end());
  EXPECT_FALSE(f->suppressed);
  EXPECT_EQ(engine::exit_code(r, rules::Severity::Critical), 1);
}

TEST(Policy, IgnoreAnnotationOnNamespaceCoversNamespaceFinding) {
  auto r = scan_text(R"(apiVersion: v1
kind: Namespace
metadata:
  name: shop
  annotations:
    kubeguard.io/ignore: namespace-without-default-deny
    kubeguard.io/ignore-reason: policies live in the platform repository
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers: [{name: web, image: web:1}]
)");
  auto f = std::find_if(r.findings.begin(), r.findings.end(), [](const auto& x) { return x.rule_id == "KG-NET-002"; });
  ASSERT_NE(f, r.findings.end());
  EXPECT_EQ(f->object.kind, "Namespace");
  EXPECT_TRUE(f->suppressed);
  EXPECT_EQ(f->suppression, "annotation: policies live in the platform repository");
}

}  // namespace
}  // namespace kg
