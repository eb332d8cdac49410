// Severity cases: a rule that reports at another severity than its own in
// some cases (an exec of a shell is high, of `ls` medium) lists them beside
// its metadata, and the logic that raises the finding names the case, never
// a severity. So the metadata alone decides, `kubeguard rules`, docs/rules.md
// and every front agree, and a severity override in the configuration
// replaces the rule's own severity and every case's alike.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "rules/rule.h"

namespace kg {
namespace rules {
class CaseName;
}  // namespace rules

// In namespace kg so that every layer above finds it without a using-declaration.
constexpr rules::CaseName operator""_case(const char* text, std::size_t size);

namespace rules {

struct SeverityCase {
  std::string_view name;  // what the logic names
  Severity severity;
  std::string_view when;  // for the rules reference: "the command is a shell or a file copy"
};

// The name of a case as the logic passes it. Only a string literal with the
// suffix _case makes one (or none, for the rule's own severity), so a test
// can find every name the code uses and hold it to the metadata
// (tests/rules/severity_cases_test.cc).
class CaseName {
 public:
  constexpr CaseName() = default;
  constexpr std::string_view name() const { return name_; }

 private:
  constexpr explicit CaseName(std::string_view name) : name_(name) {}
  friend constexpr CaseName kg::operator""_case(const char* text, std::size_t size);

  std::string_view name_;
};

// A rule whose severity depends on the case: its metadata and its cases.
struct GradedRule {
  const RuleMeta* meta = nullptr;
  std::span<const SeverityCase> cases;

  // The named case's severity; the rule's own for CaseName() and for a name
  // the metadata does not list (SeverityCases.* fails on such a name).
  Severity severity_of(std::string_view case_name) const;
  Severity severity_of(CaseName case_name) const { return severity_of(case_name.name()); }
};

// Every rule that lists severity cases (AUD, DRIFT, KG-RBAC-019, KG-SC-001),
// for the rules reference and the tests.
std::span<const GradedRule> graded_rules();
// Its cases; empty for a rule without any.
std::span<const SeverityCase> severity_cases_of(std::string_view rule_id);

}  // namespace rules

constexpr rules::CaseName operator""_case(const char* text, std::size_t size) {
  return rules::CaseName(std::string_view(text, size));
}

}  // namespace kg
