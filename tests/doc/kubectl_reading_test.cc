// The document model reads YAML as kubectl does (docs/YAML.md): go-yaml v2's
// scalar rules, merge keys, anchors and duplicate keys, then JSON. Expected
// values come from sigs.k8s.io/yaml v1.4.0 (the reader kubectl v1.33 uses)
// and from the differential test against the real kubectl.
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "doc/kubectl_json.h"
#include "doc/kubectl_meta.h"
#include "doc/source.h"
#include "doc/yaml_scalar.h"
#include "k8s/convert.h"

namespace kg::doc {
namespace {

struct Loaded {
  std::vector<Node> roots;
  std::vector<LoadError> errors;
};

Loaded load(std::string_view yaml, const LoadLimits& limits = {}) {
  Loaded out;
  load_text(
      yaml, "t.yaml", [&](Document&& d) { out.roots.push_back(std::move(d.root)); },
      [&](LoadError&& e) { out.errors.push_back(std::move(e)); }, limits);
  return out;
}

// kubectl's -o json text of the single document in `yaml`, or "ERROR".
std::string json_of(std::string_view yaml) {
  Loaded l = load(yaml);
  if (!l.errors.empty() || l.roots.size() != 1) return "ERROR";
  std::string out;
  write_kubectl_json(l.roots[0], out);
  return out;
}

std::string compact(std::string_view json) {
  std::string out;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      out += c;
      if (c == '\\') {
        out += json[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c == ' ' || c == '\n') continue;
    out += c;
  }
  return out;
}

std::string one_line(std::string_view yaml) { return compact(json_of(yaml)); }

TEST(KubectlReading, PlainScalarsResolveAsSigsYamlDoes) {
  std::ifstream in(std::string(KG_SOURCE_DIR) + "/tests/doc/data/plain_scalars.tsv");
  ASSERT_TRUE(in) << "tests/doc/data/plain_scalars.tsv";
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    std::string input = line.substr(0, tab);
    std::string expected = line.substr(tab + 1);
    std::string got = one_line("v: " + input + "\n");
    if (expected == "ERROR") {
      EXPECT_EQ(got, "ERROR") << input;
    } else {
      // The expected JSON as the client reads it back and prints it.
      std::string want = one_line("{\"v\": " + expected + "}");
      EXPECT_EQ(got, want) << input;
    }
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

TEST(KubectlReading, ShortBooleansAreBooleans) {
  EXPECT_EQ(one_line("a: y\nb: Y\nc: n\nd: on\ne: Off\n"), R"({"a":true,"b":true,"c":false,"d":true,"e":false})");
  Loaded l = load("privileged: y\n");
  ASSERT_EQ(l.roots.size(), 1u);
  EXPECT_EQ(l.roots[0].get("privileged")->as_bool(), true);
}

TEST(KubectlReading, QuotedAndTaggedScalars) {
  EXPECT_EQ(one_line("a: 'y'\nb: \"1\"\nc: !!str 1\nd: !!int \"0x10\"\ne: !!float 1\nf: ! yes\ng: !custom 5\n"),
            R"({"a":"y","b":"1","c":"1","d":16,"e":1,"f":"yes","g":"5"})");
  EXPECT_EQ(one_line("a: !!binary aGVsbG8=\n"), R"({"a":"hello"})");
  EXPECT_EQ(one_line("a: !!int abc\n"), "ERROR");
  EXPECT_EQ(one_line("a: !!binary not*base64\n"), "ERROR");
  EXPECT_EQ(one_line("a: !!timestamp 2001-12-14\nb: !!null ~\n"), R"({"a":"2001-12-14","b":null})");
  EXPECT_EQ(one_line("a: !!timestamp nope\n"), "ERROR");
  EXPECT_EQ(one_line("a: .inf\n"), "ERROR");
}

TEST(KubectlReading, KeysBecomeStrings) {
  EXPECT_EQ(one_line("1: a\ny: b\n0x10: c\n1.5: d\n"), R"({"1":"a","1.5":"d","16":"c","true":"b"})");
  EXPECT_EQ(one_line("123456789.0: a\n"), R"({"1.2345679e+08":"a"})");
  EXPECT_EQ(one_line("~: a\n"), "ERROR");
  EXPECT_EQ(one_line("18446744073709551615: a\n"), "ERROR");
  EXPECT_EQ(one_line("? [a]\n: b\n"), "ERROR");
  // A map with a null key that is overwritten before the end is never seen.
  EXPECT_EQ(one_line("a: {~: 1}\na: 2\n"), R"({"a":2})");
  EXPECT_EQ(one_line("a: .nan\na: 1\n"), R"({"a":1})");
}

TEST(KubectlReading, DuplicateKeysKeepTheLastValue) {
  EXPECT_EQ(one_line("a: 1\nb: 2\na: 3\n"), R"({"a":3,"b":2})");
  Loaded l = load("a: 1\na: 3\n");
  ASSERT_EQ(l.roots.size(), 1u);
  EXPECT_EQ(l.roots[0].entries().size(), 1u);
  EXPECT_EQ(l.roots[0].entries()[0].key_mark.line, 2u);
}

TEST(KubectlReading, MergeKeysWriteInDocumentOrder) {
  // A merge after an explicit key replaces it (go-yaml v2), an explicit key
  // after a merge replaces the merged value, and among merged maps the
  // first one wins.
  EXPECT_EQ(one_line("m: &m {p: true}\nx:\n  p: false\n  <<: *m\n"), R"({"m":{"p":true},"x":{"p":true}})");
  EXPECT_EQ(one_line("x:\n  <<: {p: true}\n  p: false\n"), R"({"x":{"p":false}})");
  EXPECT_EQ(one_line("x:\n  <<: [{p: 1}, {p: 2, q: 3}]\n"), R"({"x":{"p":1,"q":3}})");
  EXPECT_EQ(one_line("x:\n  \"<<\": {p: 1}\n"), R"({"x":{"\u003c\u003c":{"p":1}}})");
  EXPECT_EQ(one_line("x:\n  !!str <<: {p: 1}\n"), R"({"x":{"\u003c\u003c":{"p":1}}})");
  EXPECT_EQ(one_line("x:\n  !!merge <<: {p: 1}\n"), R"({"x":{"p":1}})");
  EXPECT_EQ(one_line("x:\n  <<: 5\n"), "ERROR");
  EXPECT_EQ(one_line("x:\n  <<: [5]\n"), "ERROR");
  EXPECT_EQ(one_line("x:\n  <<:\n"), "ERROR");
}

TEST(KubectlReading, AnchorsRegisterWhereTheirNodeStarts) {
  EXPECT_EQ(one_line("a: &x\n  p: false\n  q: &x {p: true}\nb: *x\n"),
            R"({"a":{"p":false,"q":{"p":true}},"b":{"p":true}})");
  EXPECT_EQ(one_line("a: &x [*x]\n"), "ERROR");
  EXPECT_EQ(one_line("a: *nope\n"), "ERROR");
}

TEST(KubectlReading, OnlyTheFirstDocumentOfAChunkCounts) {
  Loaded l = load("a: 1\n...\nb: 2\n");
  ASSERT_EQ(l.roots.size(), 1u);
  EXPECT_NE(l.roots[0].get("a"), nullptr);
}

TEST(KubectlReading, InvalidSeparatorFailsTheDocumentBeforeIt) {
  Loaded l = load("a: 1\n--- b\nc: 2\n");
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_EQ(l.errors[0].mark.line, 2u);
  ASSERT_EQ(l.roots.size(), 1u);
  EXPECT_NE(l.roots[0].get("c"), nullptr);
}

TEST(KubectlReading, ExcessiveAliasingIsRefusedAsGoYamlRefusesIt) {
  std::string yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'h'; ++c) {
    yaml += fmt::format("{}: &{} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n", c, c,
                        fmt::arg("p", std::string(1, static_cast<char>(c - 1))));
  }
  Loaded l = load(yaml);
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_NE(l.errors[0].message.find("excessive aliasing"), std::string::npos) << l.errors[0].message;
}

TEST(KubectlReading, AliasBytesAreBudgeted) {
  // A 4 KiB string aliased far more often than any real manifest would.
  std::string big(4096, 'x');
  std::string yaml = "s: &s " + big + "\nl0: &l0 [*s, *s, *s, *s, *s, *s, *s, *s]\n";
  for (int i = 1; i < 8; ++i) {
    yaml +=
        fmt::format("l{}: &l{} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n", i, i, fmt::arg("p", i - 1));
  }
  LoadLimits limits;
  Loaded l = load(yaml, limits);
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_EQ(l.errors[0].code, ErrorCode::TooLarge);
}

TEST(KubectlReading, ReaderErrorsPointAtTheByte) {
  Loaded l = load("a: 1\nb: x\xff\n");
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_EQ(l.errors[0].mark.line, 2u);
  EXPECT_EQ(l.errors[0].mark.column, 5u);
  l = load("a: 1\n---\nb: 1\nccc: \xc3\xa9\x01\n");
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_EQ(l.errors[0].mark.line, 4u);
  EXPECT_EQ(l.errors[0].mark.column, 7u);
  l = load(std::string("a: 1\nbb: x\0y\n", 12));
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_EQ(l.errors[0].mark.line, 2u);
  EXPECT_EQ(l.errors[0].mark.column, 6u);
}

std::vector<std::string> convert(std::string_view yaml, std::vector<std::string>* errors = nullptr) {
  std::vector<std::string> out;
  k8s::convert_text(yaml, "t.yaml",
                    k8s::ConvertSinks{[&](std::string&& json) { out.push_back(compact(json)); },
                                      [&](LoadError&& e, bool) {
                                        if (errors != nullptr) errors->push_back(e.message);
                                      }});
  return out;
}

TEST(KubectlReading, AnyDocumentWithItemsIsAList) {
  auto objects = convert(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: decoy}\nspec: {}\n"
      "items:\n- metadata: {name: real}\n  spec: {hostPID: true}\n");
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0], R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"real"},"spec":{"hostPID":true}})");
  objects = convert("apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a}\n");
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0], R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}})");
  std::vector<std::string> errors;
  objects = convert("apiVersion: v1\nkind: List\nitems: {a: 1}\n", &errors);
  EXPECT_TRUE(objects.empty());
  EXPECT_EQ(errors.size(), 1u);
  objects = convert("apiVersion: v1\nkind: List\nitems: ~\n", &errors);
  EXPECT_TRUE(objects.empty());
}

// kubectl refuses a list item without kind or apiVersion and sends the
// items before and after it (v1.33.13, patch --local). A null item is an
// empty object: it takes the list's kind less "List", none from `List`.
TEST(KubectlReading, AListItemWithoutKindOrApiVersionIsRefusedAlone) {
  const std::string a = "- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n";
  const std::string c = "- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n";
  for (const std::string middle :
       {"- {kind: ConfigMap, metadata: {name: b}}\n", "- {apiVersion: v1, metadata: {name: b}}\n", "- ~\n",
        "- {apiVersion: 5, kind: ConfigMap, metadata: {name: b}}\n"}) {
    std::vector<std::string> errors;
    auto objects = convert("apiVersion: v1\nkind: List\nitems:\n" + a + middle + c, &errors);
    ASSERT_EQ(objects.size(), 2u) << middle;
    EXPECT_NE(objects[1].find("\"c\""), std::string::npos) << middle;
    EXPECT_EQ(errors.size(), 1u) << middle;
  }
  std::vector<std::string> errors;
  auto objects = convert("apiVersion: v1\nkind: ConfigMapList\nitems:\n- ~\n" + c, &errors);
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0], R"({"apiVersion":"v1","kind":"ConfigMap"})");
  EXPECT_TRUE(errors.empty());
}

// An item that has `items` itself (kubectl v1.33.13 through the oracle): a
// list is refused with the whole outer list, null is sent as an empty list,
// anything else refuses that item alone.
TEST(KubectlReading, ItemsOfAListItem) {
  auto with_items = [](const std::string& items) {
    return "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMapList, metadata: {name: a}, "
           "items: " +
           items + "}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n";
  };
  std::vector<std::string> errors;
  auto objects = convert(with_items("~"), &errors);
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0], R"({"apiVersion":"v1","items":[],"kind":"ConfigMapList","metadata":{"name":"a"}})");
  EXPECT_TRUE(errors.empty());
  for (const char* items : {"5", "{}", "x", "true"}) {
    errors.clear();
    objects = convert(with_items(items), &errors);
    ASSERT_EQ(objects.size(), 1u) << items;
    EXPECT_EQ(objects[0], R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}})");
    EXPECT_EQ(errors.size(), 1u) << items;
  }
  errors.clear();
  objects = convert(with_items("[]"), &errors);
  EXPECT_TRUE(objects.empty());
  EXPECT_EQ(errors.size(), 1u);
}

// What kubectl v1.33.13 answered for each (patch --local -o json): sent, or
// "unable to decode ...: json: cannot unmarshal ... into Go struct field".
TEST(KubectlReading, MetadataFieldsMustHaveTheirGoTypes) {
  const std::string head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
  std::vector<std::string> errors;
  for (std::string_view refused :
       {"  namespace: n\n", "  generateName: 5\n", "  labels: {a: 1}\n", "  labels: {a: true}\n",
        "  annotations: {a: 1}\n", "  labels: [a]\n", "  uid: 5\n", "  creationTimestamp: 2020-01-01\n",
        "  generation: 1.5\n", "  finalizers: [a, 1]\n", "  ownerReferences: [{controller: 'true'}]\n",
        "  managedFields: [{time: x}]\n", "  generation: 9223372036854775808\n"}) {
    errors.clear();
    EXPECT_TRUE(convert(head + std::string(refused), &errors).empty()) << refused;
    ASSERT_EQ(errors.size(), 1u) << refused;
    EXPECT_NE(errors[0].find("kubectl refuses the document"), std::string::npos) << errors[0];
  }
  for (std::string_view sent :
       {"  generation: 1.0\n  creationTimestamp: null\n", "  NAMESPACE: 5\n", "  labels: {a: '1', b: ~}\n",
        "  creationTimestamp: 2001-12-14T21:59:43Z\n", "  creationTimestamp: '2020-01-01T1:00:00+24:00'\n",
        "  managedFields: [{fieldsV1: 5}]\n", "  other: [1]\n", "  generation: 1e3\n"}) {
    errors.clear();
    EXPECT_EQ(convert(head + std::string(sent), &errors).size(), 1u) << sent;
    EXPECT_TRUE(errors.empty()) << sent << errors[0];
  }
  // The whole document, at the field: not one of a list's items is sent.
  errors.clear();
  EXPECT_TRUE(
      convert("apiVersion: v1\nkind: List\nmetadata: {name: 5}\nitems:\n- {kind: ConfigMap, apiVersion: v1}\n", &errors)
          .empty());
  EXPECT_EQ(errors.size(), 1u);
  // List items are not checked by kubectl.
  EXPECT_EQ(convert("apiVersion: v1\nkind: List\nitems:\n- {kind: ConfigMap, apiVersion: v1, metadata: {name: 123}}\n")
                .size(),
            1u);
  // Top-level types, and metadata that is no object.
  for (std::string_view refused :
       {"apiVersion: 5\nkind: ConfigMap\n", "apiVersion: v1\nkind: ConfigMap\nmetadata: []\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: x\n"}) {
    EXPECT_TRUE(convert(refused).empty()) << refused;
  }
  EXPECT_EQ(convert("apiVersion: v1\nkind: ConfigMap\nMetadata: []\nmetadata: {name: e}\n").size(), 1u);
}

TEST(KubectlReading, GoTimeParsesRfc3339AsGoDoes) {
  // Each checked with Go's time.Parse(time.RFC3339, ...).
  for (std::string_view ok :
       {"2020-01-01T00:00:00Z", "2020-01-01T1:00:00Z", "2020-01-01T01:00:00.5Z", "2020-01-01T01:00:00,5Z",
        "2020-01-01T01:00:00+24:60", "2020-02-29T00:00:00Z", "0000-02-29T00:00:00Z",
        "2020-01-01T00:00:00.123456789123Z", "2020-01-01T00:00:00-00:00"}) {
    EXPECT_TRUE(go_parses_rfc3339(ok)) << ok;
  }
  for (std::string_view bad : {"2020-01-01",
                               "2020-01-01T01:00:00+25:00",
                               "2020-01-01T01:00:00+23:61",
                               "2020-02-30T00:00:00Z",
                               "2019-02-29T00:00:00Z",
                               "2020-01-01T24:00:00Z",
                               "2020-01-01T00:60:00Z",
                               "2020-01-01T00:00:60Z",
                               "2020-01-01t00:00:00Z",
                               "2020-01-01T00:00:00z",
                               "2020-01-01T00:00:00",
                               "2020-01-01T00:00:00.Z",
                               "2020-01-01T00:00:00+0100",
                               "2020-1-01T00:00:00Z",
                               " 2020-01-01T00:00:00Z",
                               "2020-01-01T00:00:00Z ",
                               "+020-01-01T00:00:00Z",
                               "2020-01-01T001:00:00Z",
                               "2020-00-01T00:00:00Z",
                               "2020-01-00T00:00:00Z",
                               "2020-01-01T0:0:00Z"}) {
    EXPECT_FALSE(go_parses_rfc3339(bad)) << bad;
  }
}

// kubectl chooses JSON when the first character after white space within
// 4096 bytes is '{', whatever the file is called; a JSON stream of one value
// goes on as YAML where JSON stops, one of two values or more is refused.
TEST(KubectlReading, StreamsThatStartWithABraceAreJson) {
  constexpr std::string_view kCm = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}})";
  std::vector<std::string> errors;
  // Values with nothing or white space between them.
  auto objects = convert(std::string(kCm) + std::string(kCm) + "\n \t" + std::string(kCm), &errors);
  EXPECT_EQ(objects.size(), 3u);
  EXPECT_TRUE(errors.empty());
  // \/ is JSON (go-yaml v2 refuses it), so a JSON file with it is read.
  objects = convert(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"u":"a\/b"}})", &errors);
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_NE(objects[0].find(R"("u":"a/b")"), std::string::npos) << objects[0];
  // Unicode white space before the brace counts (Go's unicode.IsSpace).
  EXPECT_EQ(convert("\u00a0\u3000\n" + std::string(kCm)).size(), 1u);
  // One value, then YAML.
  errors.clear();
  objects = convert(std::string(kCm) + "\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\n", &errors);
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_NE(objects[1].find("Secret"), std::string::npos);
  EXPECT_TRUE(errors.empty());
  // A trailing comma is no JSON, but the whole file reads as YAML.
  errors.clear();
  EXPECT_EQ(convert(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},})", &errors).size(), 1u);
  EXPECT_TRUE(errors.empty());
  // Two values, then anything else: refused there.
  errors.clear();
  objects = convert(std::string(kCm) + std::string(kCm) + "\nkind: Secret\n", &errors);
  EXPECT_EQ(objects.size(), 2u);
  EXPECT_EQ(errors.size(), 1u);
  // Fewer than four bytes after the value: the JSON error stands.
  errors.clear();
  objects = convert(std::string(kCm) + "\nx", &errors);
  EXPECT_EQ(objects.size(), 1u);
  EXPECT_EQ(errors.size(), 1u);
  // '[' is YAML to kubectl: a flow sequence, no object.
  errors.clear();
  std::string in_brackets = std::string(kCm);
  in_brackets.insert(0, 1, '[');
  in_brackets.push_back(']');
  EXPECT_TRUE(convert(in_brackets, &errors).empty());
  EXPECT_EQ(errors.size(), 1u);
}

TEST(KubectlReading, GoFloatFormats) {
  EXPECT_EQ(go_json_float(1e21), "1e+21");
  EXPECT_EQ(go_json_float(1e-7), "1e-7");
  EXPECT_EQ(go_json_float(123456789.123456789), "123456789.12345679");
  EXPECT_EQ(go_json_float(0.000001), "0.000001");
  EXPECT_EQ(go_float_key(1e6), "1e+06");
  EXPECT_EQ(go_float_key(100000), "100000");
  EXPECT_EQ(go_float_key(0.0001), "0.0001");
  EXPECT_EQ(go_float_key(0.00001), "1e-05");
}

}  // namespace
}  // namespace kg::doc
