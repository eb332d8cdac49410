// Where go-yaml v2's scanner (kubectl's) and libyaml's read the same text
// differently, kubeguard reads what kubectl reads (docs/YAML.md, "Scanner
// differences"). Expected values come from kubectl v1.33.13's own reading
// code (scripts/kubectl-oracle.sh); the files of tests/doc/data/kubectl/
// replay the cases found by its fuzz run against the real kubectl.
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "doc/kubectl_json.h"
#include "doc/source.h"

namespace kg::doc {
namespace {

struct Loaded {
  std::vector<std::string> json;  // compact, one per document
  std::vector<LoadError> errors;
};

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

Loaded load(std::string_view yaml) {
  Loaded out;
  load_text(
      yaml, "t.yaml",
      [&](Document&& d) {
        std::string json;
        write_kubectl_json(d.root, json);
        out.json.push_back(compact(json));
      },
      [&](LoadError&& e) { out.errors.push_back(std::move(e)); });
  return out;
}

// The value of `x` in a ConfigMap's data, or "ERROR".
std::string data_x(std::string_view value) {
  Loaded l = load(fmt::format("kind: ConfigMap\napiVersion: v1\ndata:\n  x: {}\n", value));
  if (!l.errors.empty() || l.json.size() != 1) return "ERROR";
  const std::string& j = l.json[0];
  size_t at = j.find("\"data\":{\"x\":");
  if (at == std::string::npos) return "ERROR";
  at += 12;
  return j.substr(at, j.find("},\"kind\"", at) - at);
}

const std::string kBom = "\xEF\xBB\xBF";

TEST(GoYamlScanner, AByteOrderMarkInsideADocumentIsACharacter) {
  // go-yaml skips a byte-order mark only where its buffer starts: at the
  // start of a line it is the first character of a key.
  Loaded l = load("kind: ConfigMap\n" + kBom + "apiVersion: v1\n");
  ASSERT_TRUE(l.errors.empty()) << l.errors[0].message;
  ASSERT_EQ(l.json.size(), 1u);
  EXPECT_EQ(l.json[0], "{\"kind\":\"ConfigMap\",\"" + kBom + "apiVersion\":\"v1\"}");
  // Before indentation it is a key of the outer mapping, spaces and all.
  l = load("kind: ConfigMap\napiVersion: v1\ndata:\n" + kBom + "  a: b\n");
  ASSERT_TRUE(l.errors.empty()) << l.errors[0].message;
  EXPECT_EQ(l.json[0], "{\"apiVersion\":\"v1\",\"data\":null,\"kind\":\"ConfigMap\",\"" + kBom + "  a\":\"b\"}");
  // In values of every style.
  EXPECT_EQ(data_x("a" + kBom + "b"), "\"a" + kBom + "b\"");
  EXPECT_EQ(data_x("'" + kBom + "'"), "\"" + kBom + "\"");
  // A document that starts with one: both readers skip it, in every piece.
  l = load(kBom + "kind: A\n---\n" + kBom + "kind: B\n");
  ASSERT_TRUE(l.errors.empty()) << l.errors[0].message;
  ASSERT_EQ(l.json.size(), 2u);
  EXPECT_EQ(l.json[1], "{\"kind\":\"B\"}");
}

TEST(GoYamlScanner, AByteOrderMarkFirstInGoYamlsBufferIsRefused) {
  // A second mark right after the first comes first in go-yaml's buffer:
  // kubectl then reads `piVersion` (it drops each line's first character).
  Loaded l = load(kBom + kBom + "kind: ConfigMap\napiVersion: v1\n");
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_NE(l.errors[0].message.find("byte-order mark"), std::string::npos) << l.errors[0].message;
  EXPECT_EQ(l.errors[0].mark.line, 1u);

  // The same after a refill: the mark ends go-yaml's first 512 bytes
  // inside a plain scalar. An unindented line follows: refused (kubectl
  // reads `data2` one column in and fails, or drops the character).
  std::string head = "kind: ConfigMap\napiVersion: v1\ndata:\n";
  while (head.size() < 400) head += fmt::format("  k{:03}: {}\n", head.size(), std::string(20, 'v'));
  head += "  zz: ";
  head += std::string(509 - head.size(), 'w');
  l = load(head + kBom + "\nxdata2: 1\n");
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_NE(l.errors[0].message.find("512-byte"), std::string::npos) << l.errors[0].message;
  // Only indented lines follow until go-yaml's next refill: the spaces it
  // drops are spaces read, kubectl reads the document as written.
  l = load(head + kBom + "\n  more: 1\n");
  ASSERT_TRUE(l.errors.empty()) << l.errors[0].message;
  EXPECT_NE(l.json[0].find("\"more\":1"), std::string::npos);
  EXPECT_NE(l.json[0].find("w" + kBom + "\""), std::string::npos);
  // One byte earlier the mark is not last in the buffer: nothing happens.
  std::string earlier = head.substr(0, head.size() - 1);
  l = load(earlier + kBom + "w\nxdata2: 1\n");
  ASSERT_TRUE(l.errors.empty()) << l.errors[0].message;
  EXPECT_NE(l.json[0].find("\"xdata2\":1"), std::string::npos);
}

TEST(GoYamlScanner, ShorthandTagsTakeCommasAndBrackets) {
  // go-yaml reads `!a,` as the tag: one item. libyaml alone would read an
  // empty item tagged `!a`, then `b`.
  EXPECT_EQ(data_x("[!a, b]"), "[\"b\"]");
  EXPECT_EQ(data_x("[!!str, b]"), "[\"b\"]");
  EXPECT_EQ(data_x("[!, b]"), "[\"b\"]");
  EXPECT_EQ(data_x("[!a[b] c]"), "[\"c\"]");
  EXPECT_EQ(data_x("[!a%5B, b]"), "[\"b\"]");
  // The tag runs on to `]`, and no blank follows it.
  EXPECT_EQ(data_x("[!a]"), "ERROR");
  EXPECT_EQ(data_x("[!a,]"), "ERROR");
  // Properties before an alias.
  EXPECT_EQ(data_x("[&x !a, *x]"), "ERROR");
  // After a verbatim tag go-yaml wants a blank, where libyaml takes ','.
  EXPECT_EQ(data_x("[!<a>, b]"), "ERROR");
  EXPECT_EQ(data_x("[!<a> , b]"), "[\"\",\"b\"]");
  // Unchanged: a blank before the ',', and text that only looks like a tag.
  EXPECT_EQ(data_x("[! , b]"), "[\"\",\"b\"]");
  EXPECT_EQ(data_x("\"!a, b\""), "\"!a, b\"");
  EXPECT_EQ(data_x("a !b, c"), "\"a !b, c\"");
  // A tag libyaml alone would see inside what go-yaml reads as a quoted
  // scalar (the quote is part of go-yaml's first tag): the text stays.
  EXPECT_EQ(data_x("[!a,b 'c, !d, e']"), "[\"c, !d, e\"]");
  // A '!' inside a plain scalar starts no tag, and its ',' or ']' stays.
  EXPECT_EQ(data_x("[a !b]"), "[\"a !b\"]");
  EXPECT_EQ(data_x("[a !b, c]"), "[\"a !b\",\"c\"]");
  EXPECT_EQ(data_x("{? !a, b}"), "{\"b\":null}");
  // The tag swallows the inner list's end: the outer one never closes.
  EXPECT_EQ(data_x("[!a, [!b, c], !d]"), "ERROR");
  EXPECT_EQ(data_x("[!<x,y>, z]"), "ERROR");
  EXPECT_EQ(data_x("{y: [!a,]}"), "ERROR");
}

TEST(GoYamlScanner, ColonBeforeAFlowIndicatorIsTextInAFlowScalar) {
  // go-yaml reads `-_:` as a scalar where libyaml fails ("found unexpected
  // ':'"); the ':' comes back in the value, wherever it is in the scalar.
  EXPECT_EQ(data_x("{k: -_:}"), "{\"k\":\"-_:\"}");
  EXPECT_EQ(data_x("[a:, b]"), "[\"a:\",\"b\"]");
  EXPECT_EQ(data_x("[http://x:]"), "[\"http://x:\"]");
  EXPECT_EQ(data_x("[a b:c d::]"), "[\"a b:c d::\"]");
  EXPECT_EQ(data_x("[a\n    b:]"), "[\"a b:\"]");
  // A node right after it: an error to both.
  EXPECT_EQ(data_x("[a:[b]]"), "ERROR");
  // Not in a plain scalar: unchanged.
  EXPECT_EQ(data_x("{\"a\":[1]}"), "{\"a\":[1]}");
  EXPECT_EQ(data_x("['a:]']"), "[\"a:]\"]");
  EXPECT_EQ(data_x("a:]"), "\"a:]\"");
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "a:, ";
  EXPECT_NE(data_x("[" + many + "]"), "ERROR");
}

TEST(GoYamlScanner, QuestionMarkInAFlowScalarFailsTheDocument) {
  // go-yaml ends the scalar there and reads a key indicator after a node.
  EXPECT_EQ(data_x("[a?b]"), "ERROR");
  EXPECT_EQ(data_x("[a ?b]"), "ERROR");
  EXPECT_EQ(data_x("{a?b: c}"), "ERROR");
  EXPECT_EQ(data_x("[a:?]"), "ERROR");
  // Elsewhere it is text, or the key indicator itself.
  EXPECT_EQ(data_x("a?b"), "\"a?b\"");
  EXPECT_EQ(data_x("['a?b']"), "[\"a?b\"]");
  EXPECT_EQ(data_x("[? a]"), "[{\"a\":null}]");
  EXPECT_EQ(data_x("{k: [1], u: http://x?y}"), "ERROR");
}

TEST(GoYamlScanner, AnEmptyFlowCollectionAsTheFirstKeyIsTheWholeDocument) {
  // go-yaml loses the simple key of an empty flow collection: the document
  // is the collection, and nothing after it is parsed (not even `[1, 2`).
  for (const char* text : {"[]: 1\nkind: Pod\n", "[]x: 1\nkind: Pod\n", "[ ] : 1\n", "# c\n[]: [1, 2\n"}) {
    Loaded l = load(text);
    EXPECT_TRUE(l.errors.empty()) << text << l.errors[0].message;
    ASSERT_EQ(l.json.size(), 1u) << text;
    EXPECT_EQ(l.json[0], "[]") << text;
  }
  Loaded l = load("{}: 1\n---\nkind: A\n");
  ASSERT_EQ(l.json.size(), 2u);
  EXPECT_EQ(l.json[0], "{}");
  // Not empty, with properties, after `?`, or not first: a key it stays,
  // and a collection is no key.
  for (const char* text : {"[a]: 1\n", "&a []: 1\n", "!t []: 1\n", "? []\n: 1\n", "x: 1\n[]: 2\n", "- []: 1\n"}) {
    EXPECT_FALSE(load(text).errors.empty()) << text;
  }
}

TEST(GoYamlScanner, PositionsCountEveryLineBreak) {
  // A line separator (U+2028) is a line break to the scanner: the "\/"
  // after it is still found.
  Loaded l = load("a: \"x\xE2\x80\xA8y\"\nb: \"\\/\"\n");
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_NE(l.errors[0].message.find("\\/"), std::string::npos) << l.errors[0].message;
}

TEST(GoYamlScanner, ManyTagsAreAdjustedInOneGo) {
  // Each tag guessed up front and checked by one scan, not one scan per
  // tag (a document that still differs after 16 scans is refused).
  std::string items;
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    items += "!a, x, !b[c] y, ";
    expected += expected.empty() ? "\"x\",\"y\"" : ",\"x\",\"y\"";
  }
  EXPECT_EQ(data_x("[" + items + "]"), "[" + expected + "]");
}

TEST(GoYamlScanner, SlashEscapeReadPastTheDocumentFailsIt) {
  // After the first flow document the scanner reads on while the mapping
  // could still be a key; go-yaml fails on "\/" there, kubectl reports it.
  // (The comment makes the stream YAML: kubectl tries JSON on a stream
  // that starts with '{', and then reports the JSON error.)
  Loaded l = load("# c\n{kind: ConfigMap, apiVersion: v1, metadata: {name: a}} {\"b\": \"x\\/y\"}\n");
  EXPECT_TRUE(l.json.empty());
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_NE(l.errors[0].message.find("\\/"), std::string::npos) << l.errors[0].message;
  EXPECT_EQ(l.errors[0].mark.line, 2u);
  l = load("{kind: ConfigMap, apiVersion: v1, metadata: {name: a}}\n{\"b\": \"x\\/y\"}\n");
  EXPECT_TRUE(l.json.empty());
  EXPECT_EQ(l.errors.size(), 1u);
  // Without the escape the first document is read, the rest ignored.
  l = load("# c\n{kind: ConfigMap, apiVersion: v1, metadata: {name: a}} {\"b\": \"x/y\"}\n");
  EXPECT_TRUE(l.errors.empty());
  EXPECT_EQ(l.json.size(), 1u);
}

}  // namespace
}  // namespace kg::doc
