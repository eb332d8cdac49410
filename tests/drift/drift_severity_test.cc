// A DRIFT finding's severity is its rule's metadata's: the rule's own, or the
// severity case the comparison names, and a severity override replaces all.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "drift_test_util.h"
#include "rules/drift/drift_rules.h"

namespace kg::testing {
namespace {

using rules::drift::DriftRule;

constexpr std::string_view kBaseline = R"(apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  serviceAccountName: web
  containers:
  - name: app
    image: registry.example/app:1.0
)";

std::string live_with(std::string_view pod_fields, std::string_view container_fields = "") {
  return fmt::format(R"(apiVersion: v1
kind: Pod
metadata: {{name: web, namespace: shop}}
spec:
{}  containers:
  - name: app
    image: registry.example/app:1.0
{})",
                     pod_fields, container_fields);
}

rules::Severity only_severity(const engine::ScanResult& result, std::string_view rule) {
  auto found = of_rule(result, rule);
  EXPECT_EQ(found.size(), 1u) << dump(result);
  return found.empty() ? rules::Severity::Info : found[0].severity;
}

TEST(DriftSeverity, SecurityChangesTakeTheWorstCaseFromTheMetadata) {
  const rules::GradedRule meta = rules::drift::graded(DriftRule::SecurityContextChanged);
  const std::string id(meta.meta->id);
  EXPECT_EQ(only_severity(diff_texts(kBaseline, live_with("  serviceAccountName: admin\n")), id),
            meta.severity_of("service-account"));
  EXPECT_EQ(
      only_severity(
          diff_texts(kBaseline, live_with("  serviceAccountName: web\n  securityContext: {runAsNonRoot: true}\n")), id),
      meta.severity_of("not-weakened"));
  // An opening change outweighs the account's: the rule's own severity.
  EXPECT_EQ(only_severity(diff_texts(kBaseline, live_with("  serviceAccountName: admin\n  hostPID: true\n")), id),
            meta.meta->severity);
  EXPECT_EQ(meta.meta->severity, rules::Severity::High);
  EXPECT_EQ(meta.severity_of("service-account"), rules::Severity::Medium);
  EXPECT_EQ(meta.severity_of("not-weakened"), rules::Severity::Low);
}

TEST(DriftSeverity, AnOverrideReplacesTheRuleAndEveryCase) {
  engine::Config config;
  config.severity_overrides["KG-DRIFT-005"] = rules::Severity::Critical;
  for (auto fields :
       {"  serviceAccountName: admin\n", "  serviceAccountName: web\n  securityContext: {runAsNonRoot: true}\n",
        "  serviceAccountName: web\n  hostPID: true\n"}) {
    EXPECT_EQ(only_severity(diff_texts(kBaseline, live_with(fields), config), "KG-DRIFT-005"),
              rules::Severity::Critical)
        << fields;
  }
}

TEST(DriftSeverity, ObjectsOnlyLiveTakeTheirCaseFromTheMetadata) {
  const rules::GradedRule meta = rules::drift::graded(DriftRule::ObjectOnlyInLive);
  const std::string live = std::string(kBaseline) + R"(---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: extra}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: User, name: mallory}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: extra, namespace: shop}
)";
  auto found = of_rule(diff_texts(kBaseline, live), meta.meta->id);
  ASSERT_EQ(found.size(), 2u);
  for (const auto& f : found) {
    EXPECT_EQ(f.severity,
              f.object.kind == "ClusterRoleBinding" ? meta.severity_of("webhook-or-binding") : meta.meta->severity)
        << f.object.display();
  }
}

}  // namespace
}  // namespace kg::testing
