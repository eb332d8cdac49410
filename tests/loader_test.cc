#include <gtest/gtest.h>

#include "doc/source.h"
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
  auto docs = load("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\ncopy: *b\n");
  ASSERT_EQ(docs.size(), 1u);
  const auto& root = docs[0].root;
  EXPECT_EQ(root.find({"other", "x"})->str(), "1");
  EXPECT_EQ(root.find({"other", "y"})->str(), "3");
  EXPECT_EQ(root.find({"copy", "y"})->str(), "2");
}

TEST(Loader, BlockScalarsAndScalarTypes) {
  auto docs = load("s: |\n  line1\n  line2\nq: \"true\"\nb: true\nn: 0x10\nz: ~\n");
  const auto& root = docs[0].root;
  EXPECT_EQ(root.get("s")->str(), "line1\nline2\n");
  EXPECT_FALSE(root.get("q")->as_bool().has_value());
  EXPECT_EQ(root.get("b")->as_bool(), true);
  EXPECT_EQ(root.get("n")->as_int(), 16);
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
  load("{\n  \"kind\": Pod\n}\n", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].mark.line, 2u);
  EXPECT_EQ(errors[0].mark.column, 11u);
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

}  // namespace
}  // namespace kg
