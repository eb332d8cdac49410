// The catalog entries of the WH family: complete, on both webhook kinds, and
// citing threat-matrix entries that exist under their real names.
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "doc/source.h"
#include "support/test_support.h"

namespace kg {
namespace {

std::map<std::string, std::string> threat_matrix_names() {
  std::map<std::string, std::string> names;
  doc::load_input(
      testing::corpus("threat-matrix/techniques.derived.json"),
      [&](doc::Document&& d) {
        for (const auto& t : d.root.items()) {
          names[std::string(t.get("id")->str())] = std::string(t.get("name")->str());
          for (const auto& m : t.get("mitigations")->items()) {
            names.emplace(std::string(m.get("id")->str()), std::string(m.get("name")->str()));
          }
        }
      },
      [](doc::LoadError&&) {});
  return names;
}

TEST(WhCatalog, EveryRuleIsCompleteAndCitesTheMaliciousAdmissionControllerTechnique) {
  auto matrix = threat_matrix_names();
  ASSERT_FALSE(matrix.empty());
  std::set<std::string_view> ids;
  for (const auto& entry : testing::catalog().rules()) {
    const rules::RuleMeta& m = *entry.meta;
    if (m.family != "WH") continue;
    ids.insert(m.id);
    EXPECT_TRUE(m.id.starts_with("KG-WH-")) << m.id;
    EXPECT_FALSE(m.slug.empty()) << m.id;
    EXPECT_FALSE(m.title.empty()) << m.id;
    EXPECT_FALSE(m.rationale.empty()) << m.id;
    EXPECT_FALSE(m.remediation.empty()) << m.id;
    EXPECT_EQ(m.kinds,
              (std::vector<std::string_view>{"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"}))
        << m.id;
    EXPECT_EQ(entry.scope, rules::RuleScope::Object) << m.id;
    bool cites_ta9015 = false;
    bool has_attack = false;
    for (const auto& r : m.references) {
      if (r.kind == rules::ReferenceKind::ThreatMatrix) {
        auto it = matrix.find(std::string(r.id));
        ASSERT_NE(it, matrix.end()) << m.id << " cites unknown " << r.id;
        if (r.id.starts_with("MS-TA")) {
          EXPECT_EQ(it->second, r.title) << m.id;
        }
        cites_ta9015 = cites_ta9015 || r.id == "MS-TA9015";
      }
      has_attack = has_attack || r.kind == rules::ReferenceKind::Attack;
    }
    EXPECT_TRUE(cites_ta9015) << m.id;
    EXPECT_TRUE(has_attack) << m.id;
  }
  EXPECT_EQ(ids, (std::set<std::string_view>{"KG-WH-001", "KG-WH-002", "KG-WH-003", "KG-WH-004", "KG-WH-005",
                                             "KG-WH-006", "KG-WH-007", "KG-WH-008"}));
}

TEST(WhCatalog, SlugsResolve) {
  for (std::string_view slug :
       {"unapproved-pod-mutating-webhook", "webhook-external-url", "webhook-missing-ca-bundle", "webhook-fails-open",
        "webhook-reinvocation", "webhook-namespace-opt-out", "webhook-timeout-near-max", "webhook-impersonation"}) {
    const rules::RuleEntry* r = testing::catalog().find(slug);
    ASSERT_NE(r, nullptr) << slug;
    EXPECT_EQ(r->meta->family, "WH") << slug;
  }
}

}  // namespace
}  // namespace kg
