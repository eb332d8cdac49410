#include "supply/json.h"

#include <fmt/format.h>

#include "doc/json_loader.h"

namespace kg::supply {

JsonValue parse_json(std::string_view text, std::string_view name) {
  JsonValue out;
  int documents = 0;
  doc::LoadLimits limits;
  limits.max_depth = 64;
  limits.max_nodes_per_document = 200'000;
  doc::parse_json_stream(
      text, name,
      [&](doc::Document&& d) {
        if (documents++ == 0) out.root = std::move(d.root);
      },
      [&](doc::LoadError&& e) {
        if (out.error.empty()) out.error = fmt::format("{}:{}: {}", e.mark.line, e.mark.column, e.message);
      },
      limits);
  if (!out.error.empty() || documents != 1) {
    if (out.error.empty()) out.error = documents == 0 ? "empty document" : "more than one JSON value";
    out.root.reset();
  }
  return out;
}

std::string_view string_at(const doc::Node& node, std::string_view key) {
  if (!node.is_mapping()) return {};
  const doc::Node* v = node.get(key);
  if (v == nullptr || !v->is_scalar() || v->is_null()) return {};
  return v->str();
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace kg::supply
