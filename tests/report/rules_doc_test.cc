// docs/rules.md is generated from the catalog; this fails when it is stale.
#include "report/rules_doc.h"

#include <sstream>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace kg {
namespace {

TEST(RulesReference, DocsRulesMdMatchesTheCatalog) {
  std::ostringstream generated;
  report::write_rules_markdown(testing::catalog(), generated);
  EXPECT_EQ(testing::read_file(testing::source("docs/rules.md")), generated.str())
      << "docs/rules.md is stale: run scripts/gen-docs.sh";
}

TEST(RulesReference, EveryRuleHasRemediationAndReferences) {
  for (const auto& rule : testing::catalog().rules()) {
    EXPECT_FALSE(rule.meta->remediation.empty()) << rule.meta->id;
    EXPECT_FALSE(rule.meta->rationale.empty()) << rule.meta->id;
    EXPECT_FALSE(rule.meta->references.empty()) << rule.meta->id;
    EXPECT_EQ(testing::catalog().find(rule.meta->slug), &rule) << rule.meta->slug << " is not unique";
  }
}

}  // namespace
}  // namespace kg
