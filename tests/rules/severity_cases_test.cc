// Severities of AUD and DRIFT findings (and KG-RBAC-019's, and KG-SC-001's as
// the watch raises it) come from their
// rule's metadata: the code that raises them names a case ("shell"_case),
// never a severity, so the catalog, docs/rules.md, a severity override in
// .kubeguard.yaml and every front agree. These tests fail when a severity is
// written where a finding is made again, when the code names a case the
// metadata does not list, or when the metadata lists a case no code raises.
#include <cctype>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rules/catalog.h"
#include "rules/severity_case.h"
#include "support/test_support.h"

namespace kg::rules {
namespace {

namespace fs = std::filesystem;

// Where AUD alerts and DRIFT findings are made, and where the watch raises a
// scan finding on a live change.
constexpr std::string_view kRaisingFolders[] = {"src/audit", "src/engine/drift", "src/engine/watch"};

// Files there that name a severity for another reason: the alert's default
// value, the text writer's colours, and KG-AUD-017's reading of scan findings
// (their severities are their own rules', compared with high and shown at
// info in the stream).
constexpr std::string_view kMayNameSeverities[] = {"src/audit/alert.h", "src/audit/alert_writer.cc",
                                                   "src/audit/pod_admission.cc"};

struct SourceFile {
  std::string relative;
  std::string text;
};

std::vector<SourceFile> sources_under(std::string_view folder) {
  std::vector<SourceFile> out;
  for (const auto& entry : fs::recursive_directory_iterator(kg::testing::source(folder))) {
    const auto ext = entry.path().extension();
    if (ext != ".cc" && ext != ".h") continue;
    std::string relative = fs::relative(entry.path(), kg::testing::source("")).generic_string();
    out.push_back({relative, kg::testing::read_file(entry.path().string())});
  }
  return out;
}

// Every name a "name"_case literal gives in src/ (found by hand, not by
// std::regex, whose recursion a long span between quotes overflows).
std::set<std::string> case_names_in_code() {
  static constexpr std::string_view kSuffix = "\"_case";
  std::set<std::string> out;
  for (const auto& file : sources_under("src")) {
    const std::string& text = file.text;
    for (size_t at = text.find(kSuffix); at != std::string::npos; at = text.find(kSuffix, at + 1)) {
      size_t open = text.rfind('"', at - 1);
      if (open == std::string::npos || open + 1 == at) continue;  // the operator's own ""_case
      out.insert(text.substr(open + 1, at - open - 1));
    }
  }
  return out;
}

TEST(SeverityCases, CodeThatRaisesAuditAndDriftFindingsNamesNoSeverity) {
  // "Severity::High" and the like, by hand: <regex> adds nothing here but warnings under sanitizers.
  auto first_severity = [](const std::string& text) -> std::string {
    for (size_t at = text.find("Severity::"); at != std::string::npos; at = text.find("Severity::", at + 1)) {
      size_t end = at + std::string_view("Severity::").size();
      for (std::string_view name : {"Info", "Low", "Medium", "High", "Critical"}) {
        if (text.compare(end, name.size(), name) == 0 &&
            (end + name.size() >= text.size() || !std::isalnum(static_cast<unsigned char>(text[end + name.size()])))) {
          return text.substr(at, end + name.size() - at);
        }
      }
    }
    return {};
  };
  size_t files = 0;
  for (auto folder : kRaisingFolders) {
    for (const auto& file : sources_under(folder)) {
      ++files;
      if (std::find(std::begin(kMayNameSeverities), std::end(kMayNameSeverities), file.relative) !=
          std::end(kMayNameSeverities)) {
        continue;
      }
      const std::string named = first_severity(file.text);
      EXPECT_TRUE(named.empty())
          << file.relative << " names " << named
          << ": give the rule a severity case in its metadata (src/rules/aud, src/rules/drift) and name the case";
    }
  }
  EXPECT_GT(files, 20u);  // the folders were found
}

TEST(SeverityCases, EveryCaseTheCodeNamesIsInTheMetadata) {
  std::set<std::string> listed;
  for (const auto& g : graded_rules()) {
    for (const auto& c : g.cases) listed.insert(std::string(c.name));
  }
  const std::set<std::string> named = case_names_in_code();
  EXPECT_GT(named.size(), 20u);
  for (const auto& n : named) EXPECT_TRUE(listed.contains(n)) << "\"" << n << "\"_case is no rule's severity case";
}

TEST(SeverityCases, EveryCaseInTheMetadataIsRaisedSomewhere) {
  const std::set<std::string> named = case_names_in_code();
  for (const auto& g : graded_rules()) {
    for (const auto& c : g.cases) {
      EXPECT_TRUE(named.contains(std::string(c.name)))
          << g.meta->id << " lists severity case '" << c.name << "' that no code names";
    }
  }
}

TEST(SeverityCases, CasesAreWellFormed) {
  auto kebab = [](std::string_view name) {
    return !name.empty() && name.front() != '-' && name.back() != '-' && name.find("--") == std::string_view::npos &&
           name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
  };
  const Catalog catalog = build_catalog();
  std::set<std::string_view> ids;
  for (const auto& g : graded_rules()) {
    const RuleMeta& m = *g.meta;
    EXPECT_TRUE(ids.insert(m.id).second) << m.id << " is listed twice";
    const RuleEntry* entry = catalog.find(m.id);
    ASSERT_NE(entry, nullptr) << m.id;
    EXPECT_EQ(entry->meta, g.meta) << m.id << ": the catalog holds other metadata";
    EXPECT_EQ(severity_cases_of(m.id).data(), g.cases.data());
    EXPECT_FALSE(g.cases.empty());
    std::set<std::string_view> names;
    for (const auto& c : g.cases) {
      EXPECT_TRUE(kebab(c.name)) << m.id << ": " << c.name;
      EXPECT_TRUE(names.insert(c.name).second) << m.id << " lists '" << c.name << "' twice";
      EXPECT_FALSE(c.when.empty()) << m.id << ": " << c.name << " says not when";
      EXPECT_NE(c.severity, m.severity) << m.id << ": case '" << c.name << "' is the rule's own severity";
      EXPECT_EQ(g.severity_of(c.name), c.severity);
    }
    EXPECT_EQ(g.severity_of(CaseName()), m.severity);
    EXPECT_EQ(g.severity_of("no-such-case"), m.severity);
  }
  EXPECT_GE(ids.size(), 20u);
  EXPECT_TRUE(severity_cases_of("KG-POD-001").empty());
}

// The rules reference shows the cases, so what a reader sees is what the code does.
TEST(SeverityCases, TheRulesReferenceListsThem) {
  std::string out;
  ASSERT_EQ(kg::testing::run_kubeguard("rules KG-AUD-007", &out), 0);
  EXPECT_NE(out.find("Severity:    medium"), std::string::npos) << out;
  EXPECT_NE(out.find("high when the command is a shell or a file copy"), std::string::npos) << out;
  EXPECT_NE(out.find("low when the request was denied"), std::string::npos) << out;
  const std::string doc = kg::testing::read_file(kg::testing::source("docs/rules.md"));
  EXPECT_NE(doc.find("**Severity.** medium, except:\n\n- high when the command is a shell or a file copy"),
            std::string::npos);
}

}  // namespace
}  // namespace kg::rules
