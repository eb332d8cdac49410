#include "engine/drift/canonical.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kg::engine::drift {
namespace {

bool all_named(const doc::Node& sequence) {
  if (sequence.size() == 0) return false;
  for (const auto& item : sequence.items()) {
    const doc::Node* name = item.get("name");
    if (name == nullptr || !name->is_scalar() || name->str().empty()) return false;
  }
  return true;
}

bool all_scalars(const doc::Node& sequence) {
  for (const auto& item : sequence.items()) {
    if (!item.is_scalar()) return false;
  }
  return true;
}

// No Kubernetes object nests this deep; a subtree below it is one opaque
// value, so a hostile document (a 40,000-deep alias chain) neither exhausts
// the stack nor builds paths quadratic in its depth.
constexpr int kMaxFlattenDepth = 64;

std::string join_path(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return fmt::format("{}.{}", prefix, key);
}

}  // namespace

bool path_ends_with(std::string_view path, std::string_view suffix) {
  if (path == suffix) return true;
  return path.size() > suffix.size() && path.ends_with(suffix) && path[path.size() - suffix.size() - 1] == '.';
}

bool is_source_default(std::string_view path, std::string_view value) {
  if (path_ends_with(path, "defaultMode")) return value == "420";
  if (path_ends_with(path, "fieldRef.apiVersion")) return value == "v1";
  if (path_ends_with(path, "resourceFieldRef.divisor")) return value == "0";
  return false;
}

std::string scalar_text(const doc::Node& node) {
  if (node.scalar_type() == doc::ScalarType::Bool) {
    if (auto b = node.as_bool()) return *b ? "true" : "false";
  }
  if (node.scalar_type() == doc::ScalarType::Int) {
    std::string_view s = node.str();
    // YAML 1.1 (kubectl's) reads 0644 as octal; the API server prints 420.
    if (s.size() > 1 && s[0] == '0' && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '7'; })) {
      return std::to_string(std::stoll(std::string(s), nullptr, 8));
    }
    if (auto i = node.as_int()) return std::to_string(*i);
  }
  return std::string(node.str());
}

namespace {

void flatten_at(const doc::Node* node, std::string_view prefix, const IsDefault& is_default, FlatMap& out, int depth) {
  if (node == nullptr || node->is_null()) return;
  if (depth > kMaxFlattenDepth && !node->is_scalar()) {
    out[std::string(prefix)] = FlatValue{fmt::format("(nested deeper than {} levels)", kMaxFlattenDepth), {}, false};
    return;
  }
  if (node->is_scalar()) {
    std::string text = scalar_text(*node);
    if (text.empty() || (is_default && is_default(prefix, text))) return;
    out[std::string(prefix)] = FlatValue{text, {}, false};
    return;
  }
  if (node->is_mapping()) {
    for (const auto& e : node->entries()) flatten_at(&e.value, join_path(prefix, e.key), is_default, out, depth + 1);
    return;
  }
  if (node->size() == 0) return;
  if (all_scalars(*node)) {
    FlatValue v;
    v.is_set = true;
    for (const auto& item : node->items()) v.items.push_back(scalar_text(item));
    std::sort(v.items.begin(), v.items.end());
    v.items.erase(std::unique(v.items.begin(), v.items.end()), v.items.end());
    v.text = fmt::format("{}", fmt::join(v.items, ", "));
    out[std::string(prefix)] = std::move(v);
    return;
  }
  bool named = all_named(*node);
  size_t i = 0;
  for (const auto& item : node->items()) {
    std::string key = named ? fmt::format("{}[{}]", prefix, item.get("name")->str()) : fmt::format("{}[{}]", prefix, i);
    ++i;
    if (named) {
      // The name is the key already; keep the rest.
      for (const auto& e : item.entries()) {
        if (e.key != "name") flatten_at(&e.value, join_path(key, e.key), is_default, out, depth + 2);
      }
      if (item.size() == 1) out[key] = FlatValue{"(present)", {}, false};
    } else {
      flatten_at(&item, key, is_default, out, depth + 1);
    }
  }
}

}  // namespace

void flatten(const doc::Node* node, std::string_view prefix, const IsDefault& is_default, FlatMap& out) {
  flatten_at(node, prefix, is_default, out, 0);
}

std::vector<FlatChange> compare(const FlatMap& before, const FlatMap& after) {
  std::vector<FlatChange> changes;
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      changes.push_back({b->first, &b->second, nullptr});
      ++b;
    } else if (b == before.end() || a->first < b->first) {
      changes.push_back({a->first, nullptr, &a->second});
      ++a;
    } else {
      if (b->second.text != a->second.text) changes.push_back({b->first, &b->second, &a->second});
      ++b;
      ++a;
    }
  }
  return changes;
}

std::string describe(const FlatChange& change) {
  const FlatValue* before = change.before;
  const FlatValue* after = change.after;
  if ((before == nullptr || before->is_set) && (after == nullptr || after->is_set)) {
    static const std::vector<std::string> kNone;
    const auto& old_items = before != nullptr ? before->items : kNone;
    const auto& new_items = after != nullptr ? after->items : kNone;
    std::vector<std::string> parts;
    for (const auto& item : new_items) {
      if (!std::binary_search(old_items.begin(), old_items.end(), item)) parts.push_back("+" + item);
    }
    for (const auto& item : old_items) {
      if (!std::binary_search(new_items.begin(), new_items.end(), item)) parts.push_back("-" + item);
    }
    return fmt::format("{}: {}", change.key, fmt::join(parts, " "));
  }
  return fmt::format("{}: {} -> {}", change.key, before != nullptr ? before->text : "(unset)",
                     after != nullptr ? after->text : "(unset)");
}

}  // namespace kg::engine::drift
