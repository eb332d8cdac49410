#include "engine/config.h"

#include <gtest/gtest.h>

#include "doc/document.h"
#include "engine/temp_tree.h"
#include "support/test_support.h"

namespace kg {
namespace {

engine::ConfigResult parse(std::string_view text) {
  return engine::parse_config(text, "conf/.kubeguard.yaml", testing::catalog());
}

std::string all_errors(const engine::ConfigResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += doc::format_error(e) + "\n";
  return out;
}

TEST(Config, ParsesEveryField) {
  auto r = parse(R"(failOn: medium
disabledRules: [KG-POD-001, secret-in-env-var]
severityOverrides:
  KG-NS-001: low
  secret-literal-in-env: critical
excludedNamespaces: [kube-system, legacy]
excludedPaths: ["*/vendor", "*.generated.yaml"]
trustedRegistries: [registry.example.com, ghcr.io/acme]
pss: baseline:v1.30
approvedSidecars:
- name: acme-proxy
  containerNames: [acme-proxy]
  repositories: [registry.example.com/acme/proxy]
approvedWebhooks:
- name: acme-injector
  service: {namespace: acme, name: injector}
)");
  ASSERT_TRUE(r.errors.empty()) << all_errors(r);
  const engine::Config& c = r.config;
  EXPECT_EQ(c.source, "conf/.kubeguard.yaml");
  EXPECT_EQ(c.fail_on, rules::Severity::Medium);
  EXPECT_FALSE(c.rule_enabled("KG-POD-001"));
  EXPECT_FALSE(c.rule_enabled("KG-SEC-002")) << "slugs resolve to IDs";
  EXPECT_TRUE(c.rule_enabled("KG-SEC-001"));
  ASSERT_EQ(c.severity_overrides.size(), 2u);
  EXPECT_EQ(c.severity_overrides.at("KG-NS-001"), rules::Severity::Low);
  EXPECT_EQ(c.severity_overrides.at("KG-SEC-001"), rules::Severity::Critical);
  EXPECT_EQ(c.excluded_namespaces, (std::vector<std::string>{"kube-system", "legacy"}));
  EXPECT_TRUE(c.namespace_excluded("legacy"));
  EXPECT_FALSE(c.namespace_excluded("shop"));
  EXPECT_TRUE(c.path_excluded("deploy/vendor/chart.yaml"));
  EXPECT_TRUE(c.path_excluded("deploy/app.generated.yaml"));
  EXPECT_FALSE(c.path_excluded("deploy/app.yaml"));
  EXPECT_EQ(c.settings.trusted_registries, (std::vector<std::string>{"registry.example.com", "ghcr.io/acme"}));
  ASSERT_TRUE(c.settings.pss.has_value());
  EXPECT_EQ(c.settings.pss->level, pss::Level::Baseline);
  EXPECT_EQ(c.settings.pss->version, (pss::Version{1, 30}));
  ASSERT_TRUE(c.approved_sidecars.has_value());
  EXPECT_TRUE(c.approved_sidecars->is_sequence());
  EXPECT_EQ(c.approved_sidecars->items()[0].get("name")->str(), "acme-proxy");
  ASSERT_TRUE(c.approved_webhooks.has_value());
  EXPECT_EQ(c.approved_webhooks->size(), 1u);
}

TEST(Config, EmptyConfigurationKeepsDefaults) {
  auto r = parse("");
  ASSERT_TRUE(r.errors.empty()) << all_errors(r);
  EXPECT_EQ(r.config.fail_on, rules::Severity::High);
  EXPECT_TRUE(r.config.disabled_rules.empty());
  EXPECT_FALSE(r.config.settings.pss.has_value());
}

TEST(Config, UnknownFieldIsAnErrorNamingFileLineAndField) {
  auto r = parse("failOn: high\nexcludeNamespaces: [legacy]\n");
  ASSERT_EQ(r.errors.size(), 1u);
  const doc::LoadError& e = r.errors[0];
  EXPECT_EQ(e.code, doc::ErrorCode::Config);
  EXPECT_EQ(e.file, "conf/.kubeguard.yaml");
  EXPECT_EQ(e.mark.line, 2u);
  EXPECT_NE(e.message.find("excludeNamespaces"), std::string::npos);
  EXPECT_EQ(doc::format_error(e).rfind("conf/.kubeguard.yaml:2:", 0), 0u) << doc::format_error(e);
}

TEST(Config, UnknownRuleIsAnError) {
  auto r = parse("disabledRules:\n- KG-POD-001\n- KG-NOPE-999\nseverityOverrides:\n  no-such-rule: low\n");
  ASSERT_EQ(r.errors.size(), 2u) << all_errors(r);
  EXPECT_NE(r.errors[0].message.find("KG-NOPE-999"), std::string::npos);
  EXPECT_EQ(r.errors[0].mark.line, 3u);
  EXPECT_NE(r.errors[1].message.find("no-such-rule"), std::string::npos);
  EXPECT_EQ(r.errors[1].mark.line, 5u);
}

TEST(Config, FailOnNoneMeansFindingsNeverFail) {
  auto none = parse("failOn: none\n");
  EXPECT_TRUE(none.errors.empty());
  EXPECT_TRUE(none.config.fail_never);
  EXPECT_TRUE(parse("failOn: NONE\n").config.fail_never);
  EXPECT_FALSE(parse("failOn: low\n").config.fail_never);
  auto bad = parse("failOn: urgent\n");
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_NE(bad.errors[0].message.find("info, none"), std::string::npos) << bad.errors[0].message;
}

TEST(Config, BadValuesAreErrors) {
  EXPECT_EQ(parse("failOn: urgent\n").errors.size(), 1u);
  EXPECT_EQ(parse("severityOverrides:\n  KG-POD-001: loud\n").errors.size(), 1u);
  EXPECT_EQ(parse("pss: strict\n").errors.size(), 1u);
  EXPECT_EQ(parse("excludedPaths: vendor\n").errors.size(), 1u);
  EXPECT_EQ(parse("- failOn\n").errors.size(), 1u) << "the configuration must be a mapping";
  EXPECT_EQ(parse("failOn: low\n---\nfailOn: high\n").errors.size(), 1u) << "a single document";
  EXPECT_FALSE(parse("failOn: [unclosed\n").errors.empty()) << "YAML syntax errors are reported";
}

TEST(Config, LoadFileReportsMissingFile) {
  testing::TempTree tree;
  auto r = engine::load_config_file(tree.path("absent.yaml"), testing::catalog());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, tree.path("absent.yaml"));
}

TEST(Config, LoadFileNamesTheFileInErrors) {
  testing::TempTree tree;
  std::string path = tree.write(".kubeguard.yaml", "failOn: low\nbogus: 1\n");
  auto r = engine::load_config_file(path, testing::catalog());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, path);
  EXPECT_EQ(r.errors[0].mark.line, 2u);
  EXPECT_EQ(r.config.fail_on, rules::Severity::Low);
}

TEST(Config, FindConfigUpwardFindsTheNearestParent) {
  testing::TempTree tree;
  std::string top = tree.write(".kubeguard.yaml", "failOn: low\n");
  std::string deep = tree.dir("a/b/c");
  EXPECT_EQ(engine::find_config_upward(deep), top);
  std::string nearer = tree.write("a/.kubeguard.yaml", "failOn: high\n");
  EXPECT_EQ(engine::find_config_upward(deep), nearer);
  EXPECT_EQ(engine::find_config_upward(tree.path("a")), nearer);
  EXPECT_EQ(engine::find_config_upward(tree.path()), top);
}

}  // namespace
}  // namespace kg
