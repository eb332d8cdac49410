#include "doc/node.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

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
  char c = value_.empty() ? 'f' : value_[0];
  return c == 't' || c == 'T' || c == 'y' || c == 'Y' || ((c == 'o' || c == 'O') && value_.size() == 2);
}

std::optional<int64_t> Node::as_int() const {
  if (kind_ != NodeKind::Scalar) return std::nullopt;
  if (type_ != ScalarType::Int && type_ != ScalarType::Float) return std::nullopt;
  std::string_view s = value_;
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  int64_t v = 0;
  int base = 10;
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
    base = 8;
    s.remove_prefix(2);
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc()) return std::nullopt;
  if (ptr != s.data() + s.size()) {
    // A float such as 1000.0 or 1e3 still names a whole number.
    double d = std::strtod(value_.c_str(), nullptr);
    return static_cast<int64_t>(d);
  }
  return negative ? -v : v;
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

namespace {

bool is_any_of(std::string_view s, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), s) != options.end();
}

bool looks_numeric(std::string_view s, bool& is_float) {
  is_float = false;
  if (s.empty()) return false;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') i = 1;
  if (i >= s.size()) return false;
  if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    for (size_t j = i + 2; j < s.size(); ++j) {
      if (!std::isxdigit(static_cast<unsigned char>(s[j]))) return false;
    }
    return true;
  }
  if (is_any_of(s.substr(i), {".inf", ".Inf", ".INF"})) {
    is_float = true;
    return true;
  }
  bool digits = false;
  bool dot = false;
  bool exp = false;
  for (size_t j = i; j < s.size(); ++j) {
    char c = s[j];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '_' && digits) {
      // YAML 1.1 allows digit separators.
    } else if (c == '.' && !dot && !exp) {
      dot = true;
    } else if ((c == 'e' || c == 'E') && digits && !exp) {
      exp = true;
      if (j + 1 < s.size() && (s[j + 1] == '+' || s[j + 1] == '-')) ++j;
      if (j + 1 >= s.size()) return false;
    } else {
      return false;
    }
  }
  is_float = dot || exp;
  return digits;
}

}  // namespace

ScalarType resolve_plain_scalar(std::string_view text) {
  if (text.empty() || text == "~" || is_any_of(text, {"null", "Null", "NULL"})) return ScalarType::Null;
  if (is_any_of(text, {"true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No",
                       "NO",   "on",   "On",   "ON",    "off",   "Off",   "OFF", "y",   "Y",   "n",  "N"})) {
    // go-yaml v2 (what sigs.k8s.io/yaml uses) treats y/n as strings; keep that.
    if (text.size() == 1) return ScalarType::String;
    return ScalarType::Bool;
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") return ScalarType::Float;
  bool is_float = false;
  if (looks_numeric(text, is_float)) return is_float ? ScalarType::Float : ScalarType::Int;
  return ScalarType::String;
}

}  // namespace kg::doc
