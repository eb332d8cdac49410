#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "doc/source.h"
#include "doc/yaml_loader.h"
#include "support/test_support.h"

namespace kg {
namespace {

std::vector<doc::Document> load(std::string_view text, std::vector<doc::LoadError>* errors = nullptr) {
  std::vector<doc::Document> docs;
  doc::load_text(
      text, "t.yaml", [&](doc::Document&& d) { docs.push_back(std::move(d)); },
      [&](doc::LoadError&& e) {
        if (errors != nullptr) errors->push_back(std::move(e));
      });
  return docs;
}

TEST(Loader, KeepsLineAndColumnOfEveryNode) {
  auto docs = load("a: 1\n---\nkind: Pod\nspec:\n  containers:\n  - name: x\n    image: nginx\n");
  ASSERT_EQ(docs.size(), 2u);
  const doc::Node* image = docs[1].root.find({"spec", "containers"})->items()[0].get("image");
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->str(), "nginx");
  EXPECT_EQ(image->mark().line, 7u);
  EXPECT_EQ(image->mark().column, 12u);
}

TEST(Loader, MalformedDocumentDoesNotHideItsNeighbours) {
  std::vector<doc::LoadError> errors;
  auto docs = load("kind: A\n---\nkind: [B\n---\nkind: C\n", &errors);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].root.get("kind")->str(), "A");
  EXPECT_EQ(docs[1].root.get("kind")->str(), "C");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].mark.line, 4u);
  EXPECT_EQ(errors[0].code, doc::ErrorCode::YamlSyntax);
}

TEST(Loader, AnchorsAliasesAndMergeKeys) {
  // Keys are not "y" or "n": YAML 1.1 reads those as booleans, and so does
  // kubectl (a key `y:` arrives at the API server as "true").
  auto docs = load("base: &b {a: 1, c: 2}\nother:\n  <<: *b\n  c: 3\ncopy: *b\n");
  ASSERT_EQ(docs.size(), 1u);
  const auto& root = docs[0].root;
  ASSERT_NE(root.find({"other", "a"}), nullptr);
  EXPECT_EQ(root.find({"other", "a"})->str(), "1");
  ASSERT_NE(root.find({"other", "c"}), nullptr);
  EXPECT_EQ(root.find({"other", "c"})->str(), "3");
  ASSERT_NE(root.find({"copy", "c"}), nullptr);
  EXPECT_EQ(root.find({"copy", "c"})->str(), "2");
}

TEST(Loader, BlockScalarsAndScalarTypes) {
  auto docs = load("s: |\n  line1\n  line2\nq: \"true\"\nb: true\nh: 0x10\nz: ~\n");
  ASSERT_EQ(docs.size(), 1u);
  const auto& root = docs[0].root;
  EXPECT_EQ(root.get("s")->str(), "line1\nline2\n");
  EXPECT_FALSE(root.get("q")->as_bool().has_value());
  EXPECT_EQ(root.get("b")->as_bool(), true);
  ASSERT_NE(root.get("h"), nullptr);
  EXPECT_EQ(root.get("h")->as_int(), 16);
  EXPECT_TRUE(root.get("z")->is_null());
}

TEST(Loader, JsonWithPositions) {
  auto docs = load("{\n  \"kind\": \"Pod\",\n  \"spec\": {\"x\": [1, 2.5, \"\\u00e9\"]}\n}\n");
  ASSERT_EQ(docs.size(), 1u);
  const doc::Node* x = docs[0].root.find({"spec", "x"});
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->items()[2].str(), "\xc3\xa9");
  EXPECT_EQ(x->mark().line, 3u);
}

TEST(Loader, JsonErrorNamesLineAndColumn) {
  std::vector<doc::LoadError> errors;
  // Neither JSON nor YAML: the JSON error is the one reported (docs/YAML.md).
  load("{\n  \"kind\": @Pod\n}\n", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].mark.line, 2u);
  EXPECT_EQ(errors[0].mark.column, 11u);
  // Not JSON, but YAML: kubectl reads it as YAML, and so does the loader.
  errors.clear();
  EXPECT_EQ(load("{\n  \"kind\": Pod\n}\n", &errors).size(), 1u);
  EXPECT_TRUE(errors.empty());
}

TEST(Loader, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  std::vector<doc::LoadError> errors;
  load(deep, &errors);
  ASSERT_FALSE(errors.empty());
  std::string deep_yaml = "a: " + std::string(100000, '[');
  errors.clear();
  load(deep_yaml, &errors);
  ASSERT_FALSE(errors.empty());
}

TEST(Loader, AliasBombIsBounded) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'k'; ++c) {
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) text += std::string(i ? ", *" : "*") + prev;
    text += "]\n";
    prev = c;
  }
  std::vector<doc::LoadError> errors;
  load(text, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, doc::ErrorCode::TooLarge);
}

TEST(Loader, SeparatorWithCommentAndNoTrailingNewline) {
  auto docs = load("kind: A\n--- # next\nkind: B");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[1].root.get("kind")->mark().line, 3u);
}

// The file reader cuts documents out of 64 KiB blocks; whatever falls on a
// block boundary (a separator, a line, a document longer than a block), it
// must find the same documents, positions and errors as the in-memory reader.
TEST(Loader, StreamReaderAgreesWithTextReaderAcrossBlockBoundaries) {
  std::string text;
  for (int i = 0; i < 400; ++i) {
    text += "kind: ConfigMap\nmetadata:\n  name: cm-" + std::to_string(i) + "\ndata:\n";
    // Sizes vary so that separators land at many offsets within a block.
    for (int k = 0; k < (i * 7) % 23; ++k)
      text += "  key" + std::to_string(k) + ": " + std::string(20 + i % 50, 'v') + "\n";
    if (i == 150) text += "  broken: [unclosed\n";
    if (i == 200) {
      for (int k = 0; k < 6000; ++k)
        text += "  long" + std::to_string(k) + ": " + std::string(30, 'x') + "\n";  // > 3 blocks
    }
    if (i == 300) text += "  crlf: yes\r\n";
    text += i % 3 == 0 ? "---\n" : "--- # next\n";
  }
  text += "kind: Last\nmetadata:\n  name: no-trailing-newline";

  struct Seen {
    std::vector<std::string> names;
    std::vector<doc::Mark> marks;
    std::vector<std::string> errors;
  };
  auto collect = [](Seen& seen) {
    return std::pair{[&seen](doc::Document&& d) {
                       const doc::Node* name = d.root.find({"metadata", "name"});
                       seen.names.push_back(name != nullptr ? std::string(name->str()) : std::string());
                       seen.marks.push_back(name != nullptr ? name->mark() : doc::Mark{});
                     },
                     [&seen](doc::LoadError&& e) {
                       seen.errors.push_back(std::to_string(e.mark.line) + ":" + std::to_string(e.mark.column));
                     }};
  };
  Seen from_text;
  auto [text_doc, text_err] = collect(from_text);
  doc::load_text(text, "t.yaml", text_doc, text_err);

  Seen from_stream;
  auto [stream_doc, stream_err] = collect(from_stream);
  std::FILE* in = fmemopen(text.data(), text.size(), "r");
  ASSERT_NE(in, nullptr);
  doc::load_yaml_stream(in, "t.yaml", stream_doc, stream_err);
  std::fclose(in);

  EXPECT_EQ(from_text.names.size(), 400u);  // 401 documents, one of them broken
  EXPECT_EQ(from_text.errors.size(), 1u);
  EXPECT_EQ(from_stream.names, from_text.names);
  EXPECT_EQ(from_stream.errors, from_text.errors);
  ASSERT_EQ(from_stream.marks.size(), from_text.marks.size());
  for (size_t i = 0; i < from_text.marks.size(); ++i) {
    EXPECT_EQ(from_stream.marks[i].line, from_text.marks[i].line) << from_text.names[i];
    EXPECT_EQ(from_stream.marks[i].column, from_text.marks[i].column) << from_text.names[i];
  }
  EXPECT_EQ(from_stream.names.back(), "no-trailing-newline");
}

}  // namespace
}  // namespace kg
