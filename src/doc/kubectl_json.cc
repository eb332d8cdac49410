#include "doc/kubectl_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "doc/yaml_scalar.h"

namespace kg::doc {
namespace {

constexpr std::string_view kHex = "0123456789abcdef";

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not valid.
size_t utf8_length(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  uint32_t cp = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

void write_string(std::string_view s, std::string& out) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = utf8_length(s, i);
      if (n == 0) {
        // encoding/json writes U+FFFD for the byte; the client reads that
        // back and prints the character itself.
        out += "\xEF\xBF\xBD";
        ++i;
        continue;
      }
      // U+2028 and U+2029 are escaped by encoding/json.
      if (n == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
          (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
        out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      } else {
        out.append(s.substr(i, n));
      }
      i += n;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

void newline(std::string& out, int level) {
  out += '\n';
  out.append(static_cast<size_t>(level) * 4, ' ');
}

void write_node(const Node& node, std::string& out, int level,
                const std::vector<std::pair<std::string_view, std::string_view>>* overrides) {
  switch (node.kind()) {
    case NodeKind::Null: out += "null"; return;
    case NodeKind::Sequence: {
      if (node.items().empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const auto& item : node.items()) {
        if (!first) out += ',';
        first = false;
        newline(out, level + 1);
        write_node(item, out, level + 1, nullptr);
      }
      newline(out, level);
      out += ']';
      return;
    }
    case NodeKind::Mapping: {
      // Go maps print sorted by key; a key given twice keeps its last value.
      std::vector<std::pair<std::string_view, const Node*>> fields;
      fields.reserve(node.entries().size());
      for (const auto& e : node.entries()) fields.emplace_back(e.key, &e.value);
      std::vector<Node> override_nodes;
      if (overrides != nullptr) {
        override_nodes.reserve(overrides->size());
        for (const auto& [key, value] : *overrides) {
          override_nodes.push_back(Node::scalar(std::string(value), ScalarType::String, {}));
          fields.emplace_back(key, &override_nodes.back());
        }
      }
      std::stable_sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      if (fields.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i + 1 < fields.size() && fields[i + 1].first == fields[i].first) continue;  // the last one wins
        if (!first) out += ',';
        first = false;
        newline(out, level + 1);
        write_string(fields[i].first, out);
        out += ": ";
        write_node(*fields[i].second, out, level + 1, nullptr);
      }
      newline(out, level);
      out += '}';
      return;
    }
    case NodeKind::Scalar: break;
  }
  switch (node.scalar_type()) {
    case ScalarType::Null: out += "null"; return;
    case ScalarType::Bool: out += node.str() == "true" ? "true" : "false"; return;
    case ScalarType::Int:
    case ScalarType::Float: out += kubectl_number(node); return;
    case ScalarType::String:
    case ScalarType::Invalid: write_string(node.str(), out); return;
  }
}

}  // namespace

std::string kubectl_number(const Node& scalar) {
  std::string_view text = scalar.str();
  int64_t i = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
  if (ec == std::errc() && ptr == text.data() + text.size()) return std::to_string(i);
  double d = std::strtod(std::string(text).c_str(), nullptr);
  if (!std::isfinite(d)) return std::string(text);
  std::string json = go_json_float(d);
  if (json_number_is_int(json)) {
    std::from_chars(json.data(), json.data() + json.size(), i);
    return std::to_string(i);
  }
  return json;
}

void write_kubectl_json(const Node& node, std::string& out,
                        const std::vector<std::pair<std::string_view, std::string_view>>& overrides) {
  write_node(node, out, 0, overrides.empty() ? nullptr : &overrides);
  out += '\n';
}

}  // namespace kg::doc
