// "Did you mean": the known names closest to a mistyped one (commands, rule
// IDs and slugs), by edit distance with transpositions, case ignored.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/catalog.h"

namespace kg::engine {

// Candidates within a small distance of `typed` (about a third of its
// length, at most 3) or starting with it, closest first; at most `limit`.
std::vector<std::string_view> closest_names(std::string_view typed, std::span<const std::string_view> candidates,
                                            size_t limit = 3);

// " (did you mean 'a' or 'b'?)", or "" when nothing is close.
std::string did_you_mean(std::string_view typed, std::span<const std::string_view> candidates);

// The same over every rule ID and slug of the catalog.
std::string did_you_mean_rule(std::string_view typed, const rules::Catalog& catalog);

}  // namespace kg::engine
