#include "doc/node.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "doc/yaml_scalar.h"

namespace kg::doc {

Node Node::scalar(std::string value, ScalarType type, Mark mark) {
  Node n;
  n.kind_ = NodeKind::Scalar;
  n.type_ = type;
  n.value_ = std::move(value);
  n.mark_ = mark;
  return n;
}

Node Node::sequence(Mark mark) {
  Node n;
  n.kind_ = NodeKind::Sequence;
  n.mark_ = mark;
  return n;
}

Node Node::mapping(Mark mark) {
  Node n;
  n.kind_ = NodeKind::Mapping;
  n.mark_ = mark;
  return n;
}

Node Node::null(Mark mark) {
  Node n;
  n.mark_ = mark;
  return n;
}

std::optional<std::string_view> Node::as_string() const {
  if (kind_ != NodeKind::Scalar || type_ == ScalarType::Null) return std::nullopt;
  return std::string_view(value_);
}

std::optional<bool> Node::as_bool() const {
  if (kind_ != NodeKind::Scalar || type_ != ScalarType::Bool) return std::nullopt;
  // Loaders write "true" or "false" (YAML spellings are resolved on load).
  return value_ == "true";
}

std::optional<int64_t> Node::as_int() const {
  if (kind_ != NodeKind::Scalar) return std::nullopt;
  if (type_ != ScalarType::Int && type_ != ScalarType::Float) return std::nullopt;
  // Loaders write integers in decimal (YAML's other bases are resolved on load).
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), v);
  if (ec == std::errc() && ptr == value_.data() + value_.size()) return v;
  // A float such as 1000.0 or 1e3 still names a whole number.
  double d = std::strtod(value_.c_str(), nullptr);
  if (!std::isfinite(d) || std::fabs(d) >= 9.2e18) return std::nullopt;
  return static_cast<int64_t>(d);
}

const Node* Node::get(std::string_view key) const {
  if (kind_ != NodeKind::Mapping) return nullptr;
  // Later duplicates win, as in go-yaml's decoding into a map.
  for (size_t i = entries_.size(); i-- > 0;) {
    if (entries_[i].key == key) return &entries_[i].value;
  }
  return nullptr;
}

const Node* Node::find(std::initializer_list<std::string_view> keys) const {
  const Node* n = this;
  for (auto k : keys) {
    n = n->get(k);
    if (n == nullptr) return nullptr;
  }
  return n;
}

std::span<const Entry> Node::entries() const { return entries_; }
std::span<const Node> Node::items() const { return items_; }

size_t Node::size() const {
  if (kind_ == NodeKind::Mapping) return entries_.size();
  if (kind_ == NodeKind::Sequence) return items_.size();
  return 0;
}

Node& Node::append(Node item) {
  items_.push_back(std::move(item));
  return items_.back();
}

Node& Node::set(std::string key, Mark key_mark, Node value) {
  entries_.push_back(Entry{std::move(key), key_mark, std::move(value)});
  return entries_.back().value;
}

ScalarType resolve_plain_scalar(std::string_view text) {
  GoScalar value;
  if (resolve_go_scalar("", text, true, value)) return ScalarType::String;
  switch (value.kind) {
    case GoScalar::Kind::Null: return ScalarType::Null;
    case GoScalar::Kind::Bool: return ScalarType::Bool;
    case GoScalar::Kind::Int: return ScalarType::Int;
    case GoScalar::Kind::Uint: return ScalarType::Float;
    case GoScalar::Kind::Float:
      if (!std::isfinite(value.real)) return ScalarType::Invalid;
      return json_number_is_int(go_json_float(value.real)) ? ScalarType::Int : ScalarType::Float;
    case GoScalar::Kind::String: return ScalarType::String;
  }
  return ScalarType::String;
}

}  // namespace kg::doc
