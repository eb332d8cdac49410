// A rule lists at most 100 findings per object and counts the rest in one
// more finding at the highest severity among them: a hostile pod of
// thousands of containers costs a bounded list (and memory) in every front,
// while every rule it breaks is still reported and the verdict is the same.
#include <algorithm>
#include <set>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "admission/decision.h"
#include "admission/hostile_shapes.h"
#include "admission/review.h"
#include "support/test_support.h"

namespace kg::engine {
namespace {

std::string pod_of(int containers) {
  std::string out = "apiVersion: v1\nkind: Pod\nmetadata: {name: wide, namespace: shop}\nspec:\n  containers:\n";
  for (int i = 0; i < containers; ++i) {
    out += fmt::format("  - {{name: c{}, image: \"nginx:1.25\", securityContext: {{privileged: true}}}}\n", i);
  }
  return out;
}

size_t count_of(const std::vector<rules::Finding>& findings, std::string_view rule) {
  return static_cast<size_t>(
      std::count_if(findings.begin(), findings.end(), [&](const rules::Finding& f) { return f.rule_id == rule; }));
}

std::set<std::string> rules_of(const std::vector<rules::Finding>& findings) {
  std::set<std::string> out;
  for (const auto& f : findings) out.insert(f.rule_id);
  return out;
}

TEST(FindingsLimit, ScanListsAHundredPerRuleAndCountsTheRest) {
  ScanResult result = testing::scan_text(pod_of(250));
  ASSERT_TRUE(result.errors.empty());
  EXPECT_EQ(count_of(result.findings, "KG-POD-001"), 101u);
  auto summary = std::find_if(result.findings.begin(), result.findings.end(),
                              [](const rules::Finding& f) { return f.rule_id == "KG-POD-001" && f.container.empty(); });
  ASSERT_NE(summary, result.findings.end());
  EXPECT_NE(summary->message.find("150 more findings of this rule in this object"), std::string::npos)
      << summary->message;
  EXPECT_EQ(summary->severity, rules::Severity::Critical);
  EXPECT_EQ(summary->object.name, "wide");
  EXPECT_EQ(summary->path, "metadata");
  // The summary counts in the summary line like any finding.
  EXPECT_EQ(result.summary.by_severity[static_cast<size_t>(rules::Severity::Critical)],
            count_of(result.findings, "KG-POD-001"));

  // Under the limit nothing changes: one finding per container, no summary.
  ScanResult small = testing::scan_text(pod_of(100));
  EXPECT_EQ(count_of(small.findings, "KG-POD-001"), 100u);
  for (const auto& f : small.findings) EXPECT_EQ(f.message.find("more finding"), std::string::npos) << f.message;
}

// 20,000 privileged containers: admission and scan name the same rules, and
// neither holds more than 101 findings per rule.
TEST(FindingsLimit, AdmissionAndScanNameTheSameRulesForAHugePod) {
  testing::HostileShape shape;
  shape.containers = 20000;
  shape.privileged = true;
  ScanResult scanned = testing::scan_text(testing::hostile_pod(shape));
  ASSERT_TRUE(scanned.errors.empty());
  auto scan_rules = rules_of(scanned.findings);
  EXPECT_LE(scanned.findings.size(), scan_rules.size() * 101);

  admission::ParsedReview parsed = admission::parse_review(testing::hostile_pod_review(shape));
  ASSERT_TRUE(parsed) << parsed.error.message;
  admission::Settings settings;
  admission::Decision decision = admission::decide(*parsed.request, testing::catalog(), Config{}, settings);
  EXPECT_FALSE(decision.allowed());
  EXPECT_FALSE(decision.over_budget);
  EXPECT_LE(decision.findings.size(), scan_rules.size() * 101);
  for (const auto& id : decision.rule_ids) EXPECT_TRUE(scan_rules.contains(id)) << id;
  EXPECT_TRUE(std::find(decision.rule_ids.begin(), decision.rule_ids.end(), "KG-POD-001") != decision.rule_ids.end());
}

}  // namespace
}  // namespace kg::engine
