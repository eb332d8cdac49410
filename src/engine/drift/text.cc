#include "engine/drift/text.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/drift/canonical.h"
#include "util/redact.h"

namespace kg::engine::drift {
namespace {

constexpr size_t kMaxItem = 60;
constexpr size_t kMaxItems = 12;

bool secret_name(std::string_view name) {
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr std::array<std::string_view, 7> kWords = {"pass",       "secret", "token", "key",
                                                             "credential", "auth",   "pwd"};
  return std::any_of(kWords.begin(), kWords.end(), [&](auto w) { return lower.find(w) != std::string::npos; });
}

std::string quote(std::string item) {
  if (item.size() > kMaxItem) item = item.substr(0, kMaxItem - 3) + "...";
  bool plain = !item.empty() && item.find_first_of(" ,\"[]") == std::string::npos;
  if (plain) return item;
  std::string out = "\"";
  for (char c : item) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::vector<std::string> string_list(const doc::Node* node) {
  std::vector<std::string> out;
  if (node == nullptr || !node->is_sequence()) return out;
  for (const auto& item : node->items()) out.push_back(item.is_scalar() ? scalar_text(item) : std::string("{...}"));
  return out;
}

std::string show_list(const std::vector<std::string>& items) {
  if (items.empty()) return "(unset)";
  std::vector<std::string> shown;
  bool mask_next = false;
  for (const auto& item : items) {
    if (shown.size() == kMaxItems) {
      shown.push_back(fmt::format("... {} more", items.size() - kMaxItems));
      break;
    }
    if (mask_next) {
      shown.emplace_back(util::kRedacted);
      mask_next = false;
      continue;
    }
    // A bare secret flag (--password VALUE) hides the next item.
    if (item.starts_with("-") && item.find('=') == std::string::npos && secret_name(item)) mask_next = true;
    // The one redactor (--password=x, user:pw@host, tokens, keys), before the item is cut short.
    shown.push_back(quote(util::redact(item)));
  }
  return fmt::format("[{}]", fmt::join(shown, ", "));
}

std::string show_names(const std::vector<std::string>& names, size_t limit) {
  if (names.size() <= limit) return fmt::format("{}", fmt::join(names, ", "));
  std::vector<std::string> head(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(limit));
  return fmt::format("{} and {} more", fmt::join(head, ", "), names.size() - limit);
}

}  // namespace kg::engine::drift
