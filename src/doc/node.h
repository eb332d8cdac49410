// The document model: a YAML/JSON tree in which every node remembers where it
// came from, so each finding can point at the exact field of the exact file.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kg::doc {

// 1-based line and column; 0 means "unknown" (e.g. an object that came from the API server).
struct Mark {
  uint32_t line = 0;
  uint32_t column = 0;
};

enum class NodeKind : uint8_t { Null, Scalar, Sequence, Mapping };

// What a scalar is once kubectl has read it (docs/YAML.md): YAML 1.1 as
// go-yaml v2 resolves it, then a trip through JSON. Bool text is "true" or
// "false", Int text is decimal, Float text is encoding/json's. Invalid marks
// a value JSON cannot carry (NaN, an infinity): kubectl rejects a document
// that still holds one when it is complete. On a mapping, Invalid marks a
// key JSON cannot carry (null, an integer beyond int64).
enum class ScalarType : uint8_t { String, Bool, Int, Float, Null, Invalid };

class Node;

struct Entry;

class Node {
 public:
  Node() = default;
  static Node scalar(std::string value, ScalarType type, Mark mark);
  static Node sequence(Mark mark);
  static Node mapping(Mark mark);
  static Node null(Mark mark);

  NodeKind kind() const { return kind_; }
  Mark mark() const { return mark_; }
  bool is_null() const { return kind_ == NodeKind::Null || (kind_ == NodeKind::Scalar && type_ == ScalarType::Null); }
  bool is_scalar() const { return kind_ == NodeKind::Scalar; }
  bool is_sequence() const { return kind_ == NodeKind::Sequence; }
  bool is_mapping() const { return kind_ == NodeKind::Mapping; }
  ScalarType scalar_type() const { return type_; }
  // A mapping with a key JSON cannot carry (see ScalarType::Invalid).
  bool has_invalid_key() const { return kind_ == NodeKind::Mapping && type_ == ScalarType::Invalid; }
  void mark_invalid_key() { type_ = ScalarType::Invalid; }

  // Scalar text as written (after YAML unescaping); empty for non-scalars.
  std::string_view str() const { return value_; }
  // A string scalar, or nullopt for anything else.
  std::optional<std::string_view> as_string() const;
  std::optional<bool> as_bool() const;
  std::optional<int64_t> as_int() const;

  // Mapping lookup; nullptr when this is not a mapping or the key is absent.
  const Node* get(std::string_view key) const;
  // Follows a chain of mapping keys.
  const Node* find(std::initializer_list<std::string_view> keys) const;
  std::span<const Entry> entries() const;
  std::span<const Node> items() const;
  size_t size() const;

  // Builders used by the loaders.
  Node& append(Node item);
  Node& set(std::string key, Mark key_mark, Node value);
  std::vector<Node>& mutable_items() { return items_; }
  std::vector<Entry>& mutable_entries() { return entries_; }

 private:
  NodeKind kind_ = NodeKind::Null;
  ScalarType type_ = ScalarType::Null;
  Mark mark_;
  std::string value_;
  std::vector<Node> items_;
  std::vector<Entry> entries_;
};

struct Entry {
  std::string key;
  Mark key_mark;
  Node value;
};

// The type a plain (unquoted, untagged) scalar takes in kubectl's reading.
ScalarType resolve_plain_scalar(std::string_view text);

}  // namespace kg::doc
