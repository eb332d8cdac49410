#include "engine/suggest.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace kg::engine {
namespace {

char fold(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Optimal string alignment distance: insertions, deletions, substitutions and
// swaps of neighbours ("scna" is one step from "scan").
size_t distance(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  std::vector<size_t> prev2(m + 1);
  std::vector<size_t> prev(m + 1);
  std::vector<size_t> cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1])) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

bool starts_with_folded(std::string_view text, std::string_view prefix) {
  if (prefix.size() > text.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (fold(text[i]) != fold(prefix[i])) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string_view> closest_names(std::string_view typed, std::span<const std::string_view> candidates,
                                            size_t limit) {
  // Names are short; a long input is not a typo of one.
  if (typed.empty() || typed.size() > 128) return {};
  const size_t allowed = std::clamp<size_t>(typed.size() / 3, 1, 3);
  std::vector<std::pair<size_t, std::string_view>> scored;
  for (auto candidate : candidates) {
    size_t d = distance(typed, candidate);
    if (d == 0) continue;
    if (d <= allowed) scored.emplace_back(d, candidate);
    else if (typed.size() >= 3 && starts_with_folded(candidate, typed)) scored.emplace_back(allowed + 1, candidate);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string_view> out;
  for (const auto& [d, name] : scored) {
    if (out.size() == limit) break;
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

std::string did_you_mean(std::string_view typed, std::span<const std::string_view> candidates) {
  auto names = closest_names(typed, candidates);
  if (names.empty()) return {};
  std::string list;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) list += i + 1 == names.size() ? " or " : ", ";
    list += fmt::format("'{}'", names[i]);
  }
  return fmt::format(" (did you mean {}?)", list);
}

std::string did_you_mean_rule(std::string_view typed, const rules::Catalog& catalog) {
  std::vector<std::string_view> names;
  for (const auto& rule : catalog.rules()) {
    names.push_back(rule.meta->id);
    names.push_back(rule.meta->slug);
  }
  return did_you_mean(typed, names);
}

}  // namespace kg::engine
