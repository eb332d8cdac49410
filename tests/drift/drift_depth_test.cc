// Drift's flattening walks whatever tree a document holds: a subtree nested
// deeper than any Kubernetes object is one opaque value, so depth costs
// neither stack nor quadratic path text.
#include <gtest/gtest.h>

#include "engine/drift/canonical.h"

namespace kg::engine::drift {
namespace {

doc::Node nested(int depth) {
  doc::Node leaf = doc::Node::scalar("x", doc::ScalarType::String, {});
  for (int i = 0; i < depth; ++i) {
    doc::Node outer = doc::Node::sequence({});
    outer.append(std::move(leaf));
    leaf = std::move(outer);
  }
  return leaf;
}

TEST(DriftDepth, DeepSubtreesFlattenToOneOpaqueValue) {
  doc::Node deep = nested(2000);
  FlatMap flat;
  flatten(&deep, "data", nullptr, flat);
  ASSERT_EQ(flat.size(), 1u);
  EXPECT_NE(flat.begin()->second.text.find("nested deeper than 64 levels"), std::string::npos);
  EXPECT_LT(flat.begin()->first.size(), 64u * 4 + 8) << "the path stops growing at the bound";

  // Two deep trees that differ below the bound compare equal; above it they do not.
  doc::Node other = nested(2001);
  FlatMap flat_other;
  flatten(&other, "data", nullptr, flat_other);
  EXPECT_TRUE(compare(flat, flat_other).empty());
  doc::Node shallow = nested(10);
  FlatMap flat_shallow;
  flatten(&shallow, "data", nullptr, flat_shallow);
  EXPECT_FALSE(compare(flat, flat_shallow).empty());
}

}  // namespace
}  // namespace kg::engine::drift
