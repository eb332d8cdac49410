// A field-by-field view of a subtree in which what the API server writes on
// its own (empty objects, empty strings, defaulted values) is left out, so a
// manifest and a live dump of the same object compare equal.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "doc/node.h"

namespace kg::engine::drift {

struct FlatValue {
  std::string text;                // scalar text; for a set, its items joined with ", "
  std::vector<std::string> items;  // a sequence of scalars, sorted: order carries no meaning there
  bool is_set = false;
};

// Dotted field path -> value. Sequences of mappings that all carry a `name`
// are keyed by name (`sysctls[net.ipv4.ip_forward].value`), other sequences
// of mappings by index.
using FlatMap = std::map<std::string, FlatValue, std::less<>>;

// Says whether a value at a path is what the API server would write anyway.
using IsDefault = std::function<bool(std::string_view path, std::string_view value)>;

// Flattens `node` under `prefix`; null nodes, empty mappings and sequences and
// empty strings are absent, and so is every value `is_default` accepts.
void flatten(const doc::Node* node, std::string_view prefix, const IsDefault& is_default, FlatMap& out);

// Canonical text of a scalar: booleans as true/false, YAML 1.1 octal (0644)
// and other integers in decimal, anything else as written.
std::string scalar_text(const doc::Node& node);

// True when `path` is `suffix` or ends with "." + suffix.
bool path_ends_with(std::string_view path, std::string_view suffix);

// What a volume source or env valueFrom gets from the API server: defaultMode
// 0644 (420), fieldRef.apiVersion v1, resourceFieldRef.divisor 0.
bool is_source_default(std::string_view path, std::string_view value);

// One FlatMap against another: "key: old -> new" parts, in key order.
struct FlatChange {
  std::string key;
  const FlatValue* before = nullptr;  // null when absent
  const FlatValue* after = nullptr;   // null when absent
};
std::vector<FlatChange> compare(const FlatMap& before, const FlatMap& after);

// "key: old -> new", or "key: +ADDED -REMOVED" for sets.
std::string describe(const FlatChange& change);

}  // namespace kg::engine::drift
