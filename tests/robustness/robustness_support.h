// Small helpers for the robustness tests: quoting paths for the shell and
// reading the binary's JSON report back through the engine's own JSON loader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "doc/document.h"
#include "doc/node.h"
#include "doc/source.h"

namespace kg::robustness {

// 'text' with every ' escaped, safe as one word for /bin/sh.
inline std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += '\'';
  return out;
}

// The root of a JSON report, or nullopt when it is not exactly one valid JSON document.
inline std::optional<doc::Node> parse_report(std::string_view text) {
  std::optional<doc::Node> root;
  bool failed = false;
  int count = 0;
  doc::load_text(
      text, "report.json",
      [&](doc::Document&& d) {
        ++count;
        root = std::move(d.root);
      },
      [&](doc::LoadError&&) { failed = true; });
  if (failed || count != 1 || !root->is_mapping()) return std::nullopt;
  return root;
}

// A non-negative integer field; SIZE_MAX when missing or not a number (never equal to a real count).
inline size_t as_count(const doc::Node* node) {
  if (node == nullptr) return SIZE_MAX;
  auto v = node->as_int();
  return v && *v >= 0 ? static_cast<size_t>(*v) : SIZE_MAX;
}

}  // namespace kg::robustness
