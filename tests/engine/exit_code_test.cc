#include <gtest/gtest.h>

#include "engine/scanner.h"

namespace kg {
namespace {

rules::Finding finding(rules::Severity severity, bool suppressed = false) {
  rules::Finding f;
  f.rule_id = "KG-POD-001";
  f.severity = severity;
  f.suppressed = suppressed;
  return f;
}

TEST(ExitCode, ZeroWithoutFindings) {
  engine::ScanResult r;
  EXPECT_EQ(engine::exit_code(r, rules::Severity::Info), 0);
}

TEST(ExitCode, OneAtOrAboveTheThresholdOnly) {
  engine::ScanResult r;
  r.findings.push_back(finding(rules::Severity::Medium));
  EXPECT_EQ(engine::exit_code(r, rules::Severity::High), 0);
  EXPECT_EQ(engine::exit_code(r, rules::Severity::Medium), 1);
  EXPECT_EQ(engine::exit_code(r, rules::Severity::Low), 1);
}

TEST(ExitCode, SuppressedFindingsDoNotFail) {
  engine::ScanResult r;
  r.findings.push_back(finding(rules::Severity::Critical, true));
  EXPECT_EQ(engine::exit_code(r, rules::Severity::Info), 0);
}

TEST(ExitCode, TwoOnErrorsWhateverTheFindings) {
  engine::ScanResult r;
  r.errors.push_back(doc::LoadError{doc::ErrorCode::YamlSyntax, "bad.yaml", {3, 1}, "did not find expected key"});
  EXPECT_EQ(engine::exit_code(r, rules::Severity::Critical), 2);
  r.findings.push_back(finding(rules::Severity::Critical));
  EXPECT_EQ(engine::exit_code(r, rules::Severity::Critical), 2);
}

}  // namespace
}  // namespace kg
