#include <cctype>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "report/report_test_util.h"
#include "report/sarif_fields.h"
#include "rules/fingerprint.h"

namespace kg::testing {
namespace {

using namespace report_fixture;

const doc::Node& run_of(const Json& json) { return json.root().get("runs")->items()[0]; }

Json sarif_of(const engine::ScanResult& result, int exit_code = 0) {
  std::string text = render(report::Format::Sarif, result, exit_code);
  auto json = parse_json(text);
  EXPECT_TRUE(json.has_value()) << text.substr(0, 2000);
  return json ? std::move(*json) : Json{};
}

TEST(SarifReport, HasTheEnvelopeGithubRequires) {
  Json json = sarif_of(sample_scan());
  const auto& root = json.root();
  EXPECT_EQ(str(root.get("$schema")), "https://json.schemastore.org/sarif-2.1.0.json");
  EXPECT_EQ(str(root.get("version")), "2.1.0");
  ASSERT_NE(root.get("runs"), nullptr);
  ASSERT_EQ(root.get("runs")->size(), 1U);
  const auto* driver = run_of(json).find({"tool", "driver"});
  ASSERT_NE(driver, nullptr);
  EXPECT_EQ(str(driver->get("name")), "kubeguard");
  EXPECT_EQ(str(driver->get("version")), KG_VERSION);
}

TEST(SarifReport, EveryRuleIndexPointsAtItsRule) {
  auto result = sample_scan();
  ASSERT_GE(result.findings.size(), 3U);
  Json json = sarif_of(result);
  const auto& run = run_of(json);
  auto rules = run.find({"tool", "driver", "rules"})->items();
  auto results = run.get("results")->items();
  ASSERT_EQ(results.size(), result.findings.size());
  std::set<std::string> listed;
  for (const auto& rule : rules) EXPECT_TRUE(listed.insert(str(rule.get("id"))).second) << "rule listed twice";
  std::set<std::string> used;
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    auto index = r.get("ruleIndex")->as_int();
    ASSERT_TRUE(index.has_value());
    ASSERT_LT(static_cast<size_t>(*index), rules.size());
    EXPECT_EQ(str(rules[static_cast<size_t>(*index)].get("id")), str(r.get("ruleId")));
    EXPECT_EQ(str(r.get("ruleId")), result.findings[i].rule_id);
    used.insert(str(r.get("ruleId")));
  }
  EXPECT_EQ(listed, used) << "the driver lists exactly the rules that have results";
}

TEST(SarifReport, DescribesRulesFromTheCatalog) {
  Json json = sarif_of(sample_scan());
  for (const auto& rule : run_of(json).find({"tool", "driver", "rules"})->items()) {
    std::string id = str(rule.get("id"));
    const auto* entry = catalog().find(id);
    ASSERT_NE(entry, nullptr) << id;
    const auto& m = *entry->meta;
    EXPECT_EQ(str(rule.get("name")), m.slug);
    EXPECT_EQ(str(rule.find({"shortDescription", "text"})), m.title);
    EXPECT_EQ(str(rule.find({"fullDescription", "text"})), report::sarif::clip(m.rationale, 1024));
    std::string help = str(rule.find({"help", "text"}));
    EXPECT_NE(help.find(std::string(m.remediation)), std::string::npos) << id;
    std::string markdown = str(rule.find({"help", "markdown"}));
    for (const auto& ref : m.references) {
      EXPECT_NE(markdown.find(std::string(ref.id)), std::string::npos) << id << " " << ref.id;
    }
    EXPECT_EQ(str(rule.find({"defaultConfiguration", "level"})), report::sarif::level(m.severity));
    const auto* props = rule.get("properties");
    ASSERT_NE(props, nullptr);
    EXPECT_EQ(str(props->get("security-severity")), report::sarif::security_severity(m.severity));
    EXPECT_EQ(str(props->get("precision")), "high");
    std::set<std::string> tags;
    for (const auto& t : props->get("tags")->items()) tags.insert(str(&t));
    EXPECT_TRUE(tags.contains("security")) << "GitHub treats security-severity as such only with this tag";
    EXPECT_LE(tags.size(), 20U);
  }
}

TEST(SarifReport, SeverityMapsOntoLevelsAndGithubBands) {
  using rules::Severity;
  EXPECT_EQ(report::sarif::level(Severity::Critical), "error");
  EXPECT_EQ(report::sarif::level(Severity::High), "error");
  EXPECT_EQ(report::sarif::level(Severity::Medium), "warning");
  EXPECT_EQ(report::sarif::level(Severity::Low), "note");
  EXPECT_EQ(report::sarif::level(Severity::Info), "note");
  // GitHub: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
  auto score = [](Severity s) { return std::stod(std::string(report::sarif::security_severity(s))); };
  EXPECT_GT(score(Severity::Critical), 9.0);
  EXPECT_GE(score(Severity::High), 7.0);
  EXPECT_LT(score(Severity::High), 9.0);
  EXPECT_GE(score(Severity::Medium), 4.0);
  EXPECT_LT(score(Severity::Medium), 7.0);
  EXPECT_GT(score(Severity::Low), 0.0);
  EXPECT_LT(score(Severity::Low), 4.0);
  EXPECT_GT(score(Severity::Info), 0.0);
  EXPECT_LT(score(Severity::Info), score(Severity::Low));
}

TEST(SarifReport, ResultsCarryLocationObjectAndField) {
  auto result = sample_scan();
  Json json = sarif_of(result);
  auto results = run_of(json).get("results")->items();
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& f = result.findings[i];
    const auto& r = results[i];
    EXPECT_EQ(str(r.get("level")), report::sarif::level(f.severity));
    EXPECT_EQ(str(r.find({"message", "text"})), f.message);
    ASSERT_EQ(r.get("locations")->size(), 1U);
    const auto& loc = r.get("locations")->items()[0];
    EXPECT_EQ(str(loc.find({"physicalLocation", "artifactLocation", "uri"})), "manifests/app.yaml");
    EXPECT_EQ(str(loc.find({"physicalLocation", "artifactLocation", "uriBaseId"})), "%SRCROOT%");
    ASSERT_NE(f.mark.line, 0U);
    EXPECT_EQ(loc.find({"physicalLocation", "region", "startLine"})->as_int(), f.mark.line);
    EXPECT_EQ(loc.find({"physicalLocation", "region", "startColumn"})->as_int(), f.mark.column);
    auto logical = loc.get("logicalLocations")->items();
    ASSERT_EQ(logical.size(), 2U);
    std::string key = f.object.kind + "/" + f.object.name_space + "/" + f.object.name;
    EXPECT_EQ(str(logical[0].get("fullyQualifiedName")), key);
    EXPECT_EQ(str(logical[0].get("kind")), "resource");
    EXPECT_EQ(str(logical[1].get("name")), f.path);
    EXPECT_EQ(str(logical[1].get("fullyQualifiedName")), key + ":" + f.path);
  }
}

TEST(SarifReport, SuppressedFindingsCarryASuppression) {
  auto result = sample_scan();
  Json json = sarif_of(result);
  auto results = run_of(json).get("results")->items();
  size_t suppressed = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const auto* s = results[i].get("suppressions");
    if (!result.findings[i].suppressed) {
      EXPECT_EQ(s, nullptr);
      continue;
    }
    ++suppressed;
    ASSERT_NE(s, nullptr);
    ASSERT_EQ(s->size(), 1U);
    EXPECT_EQ(str(s->items()[0].get("kind")), "inSource");
    EXPECT_EQ(str(s->items()[0].get("justification")), "annotation: vendor \"X\" image, reviewed <2024>");
  }
  EXPECT_GT(suppressed, 0U);
  EXPECT_EQ(suppressed, result.summary.suppressed);
}

TEST(SarifReport, ConfigurationSuppressionIsExternal) {
  rules::Finding f;
  f.rule_id = "KG-POD-001";
  f.severity = rules::Severity::Critical;
  f.object = {"v1", "Pod", "kube-system", "p"};
  f.file = "p.yaml";
  f.mark = {3, 1};
  f.message = "m";
  f.suppressed = true;
  f.suppression = "config: namespace kube-system excluded";
  engine::ScanResult result;
  result.findings.push_back(f);
  engine::summarize(result);
  Json json = sarif_of(result);
  const auto& s = run_of(json).get("results")->items()[0].get("suppressions")->items()[0];
  EXPECT_EQ(str(s.get("kind")), "external");
}

TEST(SarifReport, LoadErrorsBecomeToolNotifications) {
  auto result = sample_scan();
  ASSERT_FALSE(result.errors.empty());
  Json json = sarif_of(result, 2);
  const auto& invocation = run_of(json).get("invocations")->items()[0];
  EXPECT_EQ(invocation.get("executionSuccessful")->as_bool(), false);
  EXPECT_EQ(invocation.get("exitCode")->as_int(), 2);
  auto notes = invocation.get("toolExecutionNotifications")->items();
  ASSERT_EQ(notes.size(), result.errors.size());
  const auto& e = result.errors[0];
  EXPECT_EQ(str(notes[0].get("level")), "error");
  EXPECT_EQ(str(notes[0].find({"message", "text"})), e.message);
  EXPECT_EQ(str(notes[0].find({"descriptor", "id"})), doc::error_code_name(e.code));
  const auto& loc = notes[0].get("locations")->items()[0];
  EXPECT_EQ(str(loc.find({"physicalLocation", "artifactLocation", "uri"})), "manifests/broken.yaml");
  EXPECT_EQ(loc.find({"physicalLocation", "region", "startLine"})->as_int(), e.mark.line);
}

TEST(SarifReport, CleanScanIsSuccessfulWithNoResults) {
  engine::ScanResult result = scan_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: ns\n");
  Json json = sarif_of(result);
  const auto& run = run_of(json);
  EXPECT_EQ(run.get("results")->size(), 0U);
  EXPECT_EQ(run.find({"tool", "driver", "rules"})->size(), 0U);
  EXPECT_EQ(run.get("invocations")->items()[0].get("executionSuccessful")->as_bool(), true);
}

TEST(SarifReport, EscapesQuotesNewlinesAndControlCharacters) {
  auto result = sample_scan();
  std::string text = render(report::Format::Sarif, result);
  EXPECT_EQ(text.find('\x01'), std::string::npos) << "raw control character in JSON";
  Json json = sarif_of(result);
  bool seen = false;
  for (const auto& r : run_of(json).get("results")->items()) {
    if (str(r.find({"properties", "object", "name"})) != "web") continue;
    auto container = str(r.find({"properties", "container"}));
    if (container == "<missing>") continue;
    EXPECT_EQ(container,
              "a\"b\nc\x01"
              "d<&>");
    seen = true;
  }
  EXPECT_TRUE(seen);
}

rules::Finding plain_finding(std::string file, uint32_t line) {
  rules::Finding f;
  f.rule_id = "KG-POD-001";
  f.severity = rules::Severity::Critical;
  f.object = {"apps/v1", "Deployment", "prod", "web"};
  f.path = "spec.template.spec.containers[0].securityContext.privileged";
  f.file = std::move(file);
  f.mark = {line, line == 0 ? 0U : 5U};
  f.message = "m";
  return f;
}

TEST(SarifReport, RegionLeftOutWhenTheLineIsUnknown) {
  engine::ScanResult result;
  result.findings.push_back(plain_finding("a.yaml", 0));
  Json json = sarif_of(result);
  const auto& physical = *run_of(json).get("results")->items()[0].get("locations")->items()[0].get("physicalLocation");
  EXPECT_EQ(physical.get("region"), nullptr);
  EXPECT_EQ(str(physical.find({"artifactLocation", "uri"})), "a.yaml");
}

TEST(SarifReport, ArtifactUris) {
  using report::sarif::artifact_uri;
  EXPECT_EQ(artifact_uri("k8s/app.yaml").uri, "k8s/app.yaml");
  EXPECT_TRUE(artifact_uri("k8s/app.yaml").relative);
  EXPECT_EQ(artifact_uri("./k8s/app.yaml").uri, "k8s/app.yaml");
  EXPECT_EQ(artifact_uri("../x/a b#1%.yaml").uri, "../x/a%20b%231%25.yaml");
  EXPECT_EQ(artifact_uri("d\xC3\xA9j\xC3\xA0.yaml").uri, "d%C3%A9j%C3%A0.yaml");
  auto absolute = artifact_uri("/srv/repo/app.yaml");
  EXPECT_FALSE(absolute.relative);
  EXPECT_EQ(absolute.uri, "file:///srv/repo/app.yaml");

  engine::ScanResult result;
  result.findings.push_back(plain_finding("/srv/repo/app.yaml", 3));
  Json json = sarif_of(result);
  const auto& artifact = *run_of(json)
                              .get("results")
                              ->items()[0]
                              .get("locations")
                              ->items()[0]
                              .find({"physicalLocation", "artifactLocation"});
  EXPECT_EQ(str(artifact.get("uri")), "file:///srv/repo/app.yaml");
  EXPECT_EQ(artifact.get("uriBaseId"), nullptr);
}

std::string fingerprint_of(const rules::Finding& f) {
  engine::ScanResult result;
  result.findings.push_back(f);
  Json json = sarif_of(result);
  return str(run_of(json).get("results")->items()[0].find({"partialFingerprints", "kubeguard/v2"}));
}

TEST(SarifReport, FingerprintIgnoresLinesButNotIdentity) {
  auto base = plain_finding("k8s/app.yaml", 10);
  std::string fp = fingerprint_of(base);
  EXPECT_EQ(fp.size(), 18U) << fp;  // 16 hex digits, ':', occurrence
  EXPECT_EQ(fp.substr(16), ":1");

  auto moved = base;
  moved.mark = {42, 9};
  moved.message = "reworded";
  EXPECT_EQ(fingerprint_of(moved), fp) << "a finding that only moved keeps its identity";
  auto dotted = base;
  dotted.file = "./k8s/app.yaml";
  EXPECT_EQ(fingerprint_of(dotted), fp);

  auto other_rule = base;
  other_rule.rule_id = "KG-POD-002";
  auto other_object = base;
  other_object.object.name = "api";
  auto other_path = base;
  other_path.path = "spec.template.spec.containers[1].securityContext.privileged";
  for (const auto* f : {&other_rule, &other_object, &other_path}) EXPECT_NE(fingerprint_of(*f), fp);
  // One identity whichever front found it: the object read from the API
  // server, an admission review or an audit event has no file.
  auto from_cluster = base;
  from_cluster.file.clear();
  EXPECT_EQ(fingerprint_of(from_cluster), fp);
  EXPECT_EQ(fp.substr(0, 16), rules::fingerprint(base));
}

TEST(SarifReport, FingerprintsInOneRunAreUnique) {
  engine::ScanResult result;
  result.findings.push_back(plain_finding("a.yaml", 3));
  result.findings.push_back(plain_finding("a.yaml", 3));  // the same rule on the same field twice
  Json json = sarif_of(result);
  auto results = run_of(json).get("results")->items();
  EXPECT_NE(str(results[0].find({"partialFingerprints", "kubeguard/v2"})),
            str(results[1].find({"partialFingerprints", "kubeguard/v2"})));
  auto sample = sample_scan();
  Json sample_json = sarif_of(sample);
  std::set<std::string> seen;
  for (const auto& r : run_of(sample_json).get("results")->items()) {
    EXPECT_TRUE(seen.insert(str(r.find({"partialFingerprints", "kubeguard/v2"}))).second);
  }
}

TEST(SarifReport, LeavesTheLineHashToTheUploadAction) {
  Json json = sarif_of(sample_scan());
  for (const auto& r : run_of(json).get("results")->items()) {
    EXPECT_EQ(r.find({"partialFingerprints", "primaryLocationLineHash"}), nullptr);
    EXPECT_NE(r.find({"partialFingerprints", "kubeguard/v2"}), nullptr);
  }
}

TEST(SarifReport, RulesLinkToTheirHelpAndTheToolToItsHome) {
  Json json = sarif_of(sample_scan());
  const auto& driver = *run_of(json).find({"tool", "driver"});
  EXPECT_EQ(str(driver.get("informationUri")), "https://github.com/kubeguard/kubeguard");
  for (const auto& rule : driver.get("rules")->items()) {
    std::string id = str(rule.get("id"));
    std::string anchor = id;
    for (auto& c : anchor) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(str(rule.get("helpUri")),
              fmt::format("https://github.com/kubeguard/kubeguard/blob/v{}/docs/rules.md#{}", KG_VERSION, anchor));
    // The anchor is a heading of the rules reference.
    EXPECT_NE(read_file(source("docs/rules.md")).find("\n### " + id + "\n"), std::string::npos) << id;
  }
}

TEST(SarifReport, CapsResultsAtGithubsLimitKeepingTheMostSevereWithANote) {
  engine::ScanResult result;
  auto low = plain_finding("a.yaml", 3);
  low.severity = rules::Severity::Low;
  auto critical = plain_finding("b.yaml", 4);
  critical.severity = rules::Severity::Critical;
  for (size_t i = 0; i < 25005; ++i) result.findings.push_back(low);
  for (size_t i = 0; i < 10; ++i) result.findings.push_back(critical);
  std::string text = render(report::Format::Sarif, result, 1);
  auto json = parse_json(text);
  ASSERT_TRUE(json.has_value());
  const auto& run = run_of(*json);
  auto results = run.get("results")->items();
  ASSERT_EQ(results.size(), 25000U);
  size_t criticals = 0;
  for (const auto& r : results) criticals += str(r.find({"properties", "severity"})) == "critical" ? 1 : 0;
  EXPECT_EQ(criticals, 10U) << "the most severe are kept";
  const auto* notes = run.get("invocations")->items()[0].get("toolExecutionNotifications");
  ASSERT_NE(notes, nullptr);
  bool noted = false;
  for (const auto& n : notes->items()) {
    if (str(n.find({"descriptor", "id"})) == "results-capped") {
      noted = true;
      EXPECT_EQ(str(n.get("level")), "warning");
      EXPECT_NE(str(n.find({"message", "text"})).find("15 of 25015 results left out"), std::string::npos);
    }
  }
  EXPECT_TRUE(noted);
}

TEST(SarifReport, UnknownRuleStillGetsADescriptor) {
  engine::ScanResult result;
  auto f = plain_finding("a.yaml", 3);
  f.rule_id = "KG-XYZ-999";
  result.findings.push_back(f);
  Json json = sarif_of(result);
  const auto& run = run_of(json);
  const auto& rule = run.find({"tool", "driver", "rules"})->items()[0];
  EXPECT_EQ(str(rule.get("id")), "KG-XYZ-999");
  EXPECT_NE(str(rule.find({"shortDescription", "text"})), "");
  EXPECT_EQ(run.get("results")->items()[0].get("ruleIndex")->as_int(), 0);
}

TEST(SarifReport, ClipKeepsWholeCharacters) {
  using report::sarif::clip;
  EXPECT_EQ(clip("short", 10), "short");
  EXPECT_EQ(clip("abcdefghij", 8), "abcde...");
  std::string accents = "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9";  // four two-byte characters
  EXPECT_EQ(clip(accents, 6), "\xC3\xA9...");
  EXPECT_EQ(clip(accents, 7), "\xC3\xA9\xC3\xA9...");
}

TEST(SarifReport, CommandLineWritesTheSameReport) {
  ScratchDir scratch;
  std::string path = scratch.write("cli.yaml", kManifests);
  std::string out;
  int status = run_kubeguard("scan -f sarif " + path, &out);
  EXPECT_EQ(status, 1) << "critical findings fail the default gate";
  auto json = parse_json(out);
  ASSERT_TRUE(json.has_value()) << out.substr(0, 500);
  const auto& run = run_of(*json);
  EXPECT_GT(run.get("results")->size(), 0U);
  EXPECT_EQ(run.get("invocations")->items()[0].get("exitCode")->as_int(), 1);
}

// The published SARIF 2.1.0 schema, GitHub's documented requirements and, when
// present, Microsoft's validator with its GitHub ingestion rules.
TEST(SarifReport, ValidatesAgainstThePublishedSchema) {
  ScratchDir scratch;
  std::string schema = sarif_schema_path();
  std::string python = python_with("jsonschema");
  if (!std::filesystem::exists(schema) || python.empty()) {
    GTEST_SKIP() << "needs python3 jsonschema and the SARIF schema at " << schema
                 << " (npm package @microsoft/sarif-multitool-linux; see scripts/validate-sarif.py)";
  }
  std::string script = source("scripts/validate-sarif.py");
  std::string sarif = scratch.write("sample.sarif", render(report::Format::Sarif, sample_scan(), 2));
  std::string command = python + " " + script + " --schema " + schema;
  std::string full = command;
  if (std::filesystem::exists(multitool_path())) full += " --multitool " + multitool_path();
  EXPECT_EQ(std::system((full + " " + sarif).c_str()), 0) << full << " " << sarif;

  // The validator must be able to say no: a ruleIndex that names another
  // rule, and a log the schema refuses.
  std::string text = render(report::Format::Sarif, sample_scan(), 2);
  std::string bad_text = text;
  auto at = bad_text.find("\"ruleIndex\": 0");
  ASSERT_NE(at, std::string::npos);
  bad_text.replace(at, 14, "\"ruleIndex\": 1");
  std::string bad = scratch.write("bad.sarif", bad_text);
  EXPECT_NE(shell_ok(command + " " + bad), true);
  std::string not_sarif = scratch.write("not.sarif", R"({"version": "2.1.0", "runs": [{"results": []}]})");
  EXPECT_NE(shell_ok(command + " " + not_sarif), true);
}

// Audit findings (KG-AUD alerts and the scan rules' findings on the objects a
// request wrote) in the same SARIF, from a log the test control plane wrote.
TEST(SarifReport, AuditFindingsValidateAgainstThePublishedSchema) {
  ScratchDir scratch;
  std::string schema = sarif_schema_path();
  std::string python = python_with("jsonschema");
  if (!std::filesystem::exists(schema) || python.empty()) {
    GTEST_SKIP() << "needs python3 jsonschema and the SARIF schema at " << schema;
  }
  std::string out;
  int status = run_kubeguard("audit -q -f sarif " + source("tests/data/same-verdict/apiserver-audit.log"), &out);
  EXPECT_EQ(status, 1) << "privileged pods fail the default gate";
  auto json = parse_json(out);
  ASSERT_TRUE(json.has_value()) << out.substr(0, 500);
  const auto& run = run_of(*json);
  std::set<std::string> rules;
  for (const auto& r : run.get("results")->items()) rules.insert(str(r.get("ruleId")));
  EXPECT_TRUE(rules.contains("KG-AUD-017"));
  EXPECT_TRUE(rules.contains("KG-POD-001"));
  EXPECT_EQ(run.get("invocations")->items()[0].get("exitCode")->as_int(), 1);
  std::string file = scratch.write("audit.sarif", out);
  std::string command = python + " " + source("scripts/validate-sarif.py") + " --schema " + schema;
  if (std::filesystem::exists(multitool_path())) command += " --multitool " + multitool_path();
  EXPECT_EQ(std::system((command + " " + file).c_str()), 0) << command << " " << file;
}

}  // namespace
}  // namespace kg::testing
