// docs/AUDIT-COVERAGE.md must name every Falco k8saudit rule and every Sigma
// Kubernetes audit rule of the corpus, each with a verdict; and every KG-AUD
// rule it cites must exist in the catalog.
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "rules/aud/aud_rules.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> lines_matching(const std::string& text, const std::regex& pattern) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, pattern)) out.push_back(m[1].str());
  }
  return out;
}

std::string strip_quotes(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
  return s;
}

// A table row "| `name` | verdict | notes |" whose verdict says covered, partly or not covered.
void expect_row(const std::string& doc, const std::string& name) {
  std::string cell = "| `" + name + "` | ";
  size_t at = doc.find(cell);
  ASSERT_NE(at, std::string::npos) << "missing from docs/AUDIT-COVERAGE.md: " << name;
  std::string verdict = doc.substr(at + cell.size(), 40);
  EXPECT_TRUE(verdict.starts_with("covered: KG-AUD-") || verdict.starts_with("partly: KG-AUD-") ||
              verdict.starts_with("not covered"))
      << name << ": " << verdict;
}

TEST(AuditCoverage, EveryFalcoRuleIsInTheTable) {
  std::string doc = read_file(source("docs/AUDIT-COVERAGE.md"));
  std::string rules = read_file(corpus("audit/falco-k8saudit-rules/plugins/k8saudit/rules/k8s_audit_rules.yaml"));
  auto names = lines_matching(rules, std::regex(R"(^- rule:\s*(.+)$)"));
  ASSERT_EQ(names.size(), 48u);  // as SOURCE.md counts them
  for (const auto& n : names) expect_row(doc, strip_quotes(n));
}

TEST(AuditCoverage, EverySigmaRuleIsInTheTable) {
  std::string doc = read_file(source("docs/AUDIT-COVERAGE.md"));
  size_t count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(corpus("audit/sigma/rules"))) {
    if (entry.path().extension() != ".yml") continue;
    auto titles = lines_matching(read_file(entry.path().string()), std::regex(R"(^title:\s*(.+)$)"));
    ASSERT_EQ(titles.size(), 1u) << entry.path();
    expect_row(doc, strip_quotes(titles[0]));
    ++count;
  }
  EXPECT_EQ(count, 30u);
}

TEST(AuditCoverage, CitedRulesExist) {
  std::string doc = read_file(source("docs/AUDIT-COVERAGE.md"));
  std::set<std::string> known;
  for (auto r : rules::aud::kAllAudRules) known.insert(std::string(rules::aud::meta(r).id));
  std::regex id(R"(KG-AUD-(\d{3}))");
  size_t cited = 0;
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), id); it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE(known.contains(it->str())) << it->str();
    ++cited;
  }
  EXPECT_GT(cited, 20u);
}

TEST(AuditCatalog, EveryAudRuleIsInTheCatalogWithTheAuditScope) {
  size_t n = 0;
  for (auto r : rules::aud::kAllAudRules) {
    const auto& m = rules::aud::meta(r);
    const rules::RuleEntry* entry = catalog().find(m.id);
    ASSERT_NE(entry, nullptr) << m.id;
    EXPECT_EQ(entry->scope, rules::RuleScope::Audit) << m.id;
    EXPECT_EQ(m.family, "AUD");
    EXPECT_EQ(m.id, std::string("KG-AUD-") + fmt::format("{:03}", ++n));
    EXPECT_TRUE(m.slug.starts_with("audit-")) << m.id;
    EXPECT_FALSE(m.rationale.empty() || m.remediation.empty() || m.references.empty()) << m.id;
  }
  // The scan never runs them: no finding carries an AUD ID.
  auto result = scan_text(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers: [{name: a, image: "
      "x}]\n");
  for (const auto& f : result.findings) EXPECT_FALSE(f.rule_id.starts_with("KG-AUD-")) << f.rule_id;
}

}  // namespace
}  // namespace kg::testing
