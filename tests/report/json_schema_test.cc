// The JSON report against its documented schema, docs/report.schema.json:
// with python's jsonschema when the machine has it, and always with a
// structural walk that checks each object's keys against the schema's
// properties and required lists.
#include <set>

#include <gtest/gtest.h>

#include "report/report_test_util.h"

namespace kg::testing {
namespace {

using namespace report_fixture;

std::string schema_path() { return source("docs/report.schema.json"); }

struct SchemaWalk {
  const doc::Node& schema;
  std::vector<std::string> problems;

  const doc::Node& resolve(const doc::Node& s) const {
    const doc::Node* ref = s.get("$ref");
    if (ref == nullptr) return s;
    std::string target = str(ref);
    const std::string prefix = "#/$defs/";
    if (target.rfind(prefix, 0) != 0) return s;
    const doc::Node* def = schema.find({"$defs", target.substr(prefix.size())});
    return def != nullptr ? resolve(*def) : s;
  }

  void check(const doc::Node& value, const doc::Node& raw_schema, const std::string& where) {
    const doc::Node& s = resolve(raw_schema);
    std::string type = s.get("type") != nullptr ? str(s.get("type")) : "";
    if (type == "object") {
      if (!value.is_mapping()) {
        problems.push_back(where + ": not an object");
        return;
      }
      const doc::Node* props = s.get("properties");
      for (const auto& e : value.entries()) {
        const doc::Node* p = props != nullptr ? props->get(e.key) : nullptr;
        if (p == nullptr) {
          problems.push_back(where + "." + e.key + ": not in the schema");
          continue;
        }
        check(e.value, *p, where + "." + e.key);
      }
      if (const doc::Node* required = s.get("required")) {
        for (const auto& r : required->items()) {
          if (value.get(str(&r)) == nullptr) problems.push_back(where + ": lacks required " + str(&r));
        }
      }
    } else if (type == "array") {
      if (!value.is_sequence()) {
        problems.push_back(where + ": not an array");
        return;
      }
      const doc::Node* items = s.get("items");
      for (size_t i = 0; i < value.items().size() && items != nullptr; ++i) {
        check(value.items()[i], *items, where + "[" + std::to_string(i) + "]");
      }
    } else if (type == "string" && !value.as_string()) {
      problems.push_back(where + ": not a string");
    } else if (type == "integer" && !value.as_int()) {
      problems.push_back(where + ": not an integer");
    } else if (type == "boolean" && !value.as_bool()) {
      problems.push_back(where + ": not a boolean");
    }
  }
};

std::vector<engine::ScanResult> samples() {
  std::vector<engine::ScanResult> out;
  out.push_back(sample_scan());
  out.push_back(scan_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: ns\n"));
  engine::ScanResult unknown_rule;
  rules::Finding f;
  f.rule_id = "KG-XYZ-999";
  f.message = "from a rule the catalog does not know";
  unknown_rule.findings.push_back(f);
  engine::summarize(unknown_rule);
  out.push_back(std::move(unknown_rule));
  return out;
}

TEST(JsonReportSchema, OutputKeysMatchTheSchema) {
  auto schema = parse_json(read_file(schema_path()));
  ASSERT_TRUE(schema.has_value()) << "docs/report.schema.json does not parse";
  for (const auto& result : samples()) {
    auto json = parse_json(render(report::Format::Json, result));
    ASSERT_TRUE(json.has_value());
    SchemaWalk walk{schema->root(), {}};
    walk.check(json->root(), schema->root(), "$");
    EXPECT_TRUE(walk.problems.empty()) << ::testing::PrintToString(walk.problems);
  }
}

// The example in docs/report-json.md, so the prose cannot drift from the schema.
std::string documented_example() {
  std::string prose = read_file(source("docs/report-json.md"));
  auto begin = prose.find("```json\n");
  if (begin == std::string::npos) return {};
  begin += 8;
  auto end = prose.find("```", begin);
  return end == std::string::npos ? std::string() : prose.substr(begin, end - begin);
}

TEST(JsonReportSchema, DocumentedExampleMatchesTheSchema) {
  auto schema = parse_json(read_file(schema_path()));
  ASSERT_TRUE(schema.has_value());
  auto example = parse_json(documented_example());
  ASSERT_TRUE(example.has_value()) << "no parsable ```json block in docs/report-json.md";
  SchemaWalk walk{schema->root(), {}};
  walk.check(example->root(), schema->root(), "$");
  EXPECT_TRUE(walk.problems.empty()) << ::testing::PrintToString(walk.problems);
}

TEST(JsonReportSchema, TheWalkCanFail) {
  auto schema = parse_json(read_file(schema_path()));
  ASSERT_TRUE(schema.has_value());
  auto json = parse_json(R"({"schemaVersion": "1.0", "tool": {"name": "kubeguard"}, "findings": [{"extra": 1}],
                            "errors": [], "summary": {}})");
  ASSERT_TRUE(json.has_value());
  SchemaWalk walk{schema->root(), {}};
  walk.check(json->root(), schema->root(), "$");
  std::set<std::string> problems(walk.problems.begin(), walk.problems.end());
  EXPECT_TRUE(problems.contains("$.tool: lacks required version"));
  EXPECT_TRUE(problems.contains("$.findings[0].extra: not in the schema"));
  EXPECT_TRUE(problems.contains("$.summary: lacks required exitCode"));
}

// Every property the schema names is explained in the prose document.
TEST(JsonReportSchema, EveryFieldIsDocumented) {
  auto schema = parse_json(read_file(schema_path()));
  ASSERT_TRUE(schema.has_value());
  std::string prose = read_file(source("docs/report-json.md"));
  ASSERT_FALSE(prose.empty());
  std::vector<const doc::Node*> pending{&schema->root()};
  while (!pending.empty()) {
    const doc::Node* n = pending.back();
    pending.pop_back();
    if (n->is_sequence()) {
      for (const auto& item : n->items()) pending.push_back(&item);
    }
    if (!n->is_mapping()) continue;
    for (const auto& e : n->entries()) {
      if (e.key == "properties" && e.value.is_mapping()) {
        for (const auto& p : e.value.entries()) {
          EXPECT_NE(prose.find("`" + p.key + "`"), std::string::npos) << p.key << " is not in docs/report-json.md";
        }
      }
      pending.push_back(&e.value);
    }
  }
}

TEST(JsonReportSchema, ValidatesWithJsonschema) {
  ScratchDir scratch;
  std::string python = python_with("jsonschema");
  if (python.empty()) GTEST_SKIP() << "needs python3 with jsonschema (pip install jsonschema, or python3-jsonschema)";
  const std::string validate = python +
                               " -c 'import json, sys, jsonschema; "
                               "jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])), "
                               "cls=jsonschema.Draft202012Validator)' " +
                               schema_path() + " ";
  int n = 0;
  for (const auto& result : samples()) {
    std::string path = scratch.write("report-" + std::to_string(n++) + ".json", render(report::Format::Json, result));
    EXPECT_TRUE(shell_ok(validate + path)) << path;
  }
  EXPECT_TRUE(shell_ok(validate + scratch.write("example.json", documented_example())))
      << "docs/report-json.md example";
  // And it can say no: a suppressed finding without its reason.
  std::string text = render(report::Format::Json, sample_scan());
  auto at = text.find("\"suppression\": ");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 15, "\"suppressionX\": ");
  EXPECT_FALSE(shell_ok(validate + scratch.write("bad.json", text)));
}

}  // namespace
}  // namespace kg::testing
