#include "doc/kubectl_meta.h"

#include <array>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace kg::doc {
namespace {

enum class GoType : uint8_t { String, Int64, Bool, Time, StringMap, StringList, OwnerRefs, ManagedFields, Any };

std::string_view go_type_name(GoType type) {
  switch (type) {
    case GoType::String: return "a string";
    case GoType::Int64: return "an integer (int64)";
    case GoType::Bool: return "a boolean";
    case GoType::Time: return "an RFC 3339 time";
    case GoType::StringMap: return "a map of strings";
    case GoType::StringList: return "a list of strings";
    case GoType::OwnerRefs: return "a list of owner references";
    case GoType::ManagedFields: return "a list of managed fields entries";
    case GoType::Any: return "anything";
  }
  return "a value";
}

// What encoding/json calls the JSON value it found.
std::string_view json_kind(const Node& node) {
  if (node.is_mapping()) return "an object";
  if (node.is_sequence()) return "an array";
  switch (node.scalar_type()) {
    case ScalarType::String: return "a string";
    case ScalarType::Bool: return "a boolean";
    case ScalarType::Int:
    case ScalarType::Float: return "a number";
    default: return "a value";
  }
}

struct Field {
  std::string_view name;
  GoType type;
};

// metav1.ObjectMeta (k8s.io/apimachinery v0.33).
constexpr std::array kObjectMeta{
    Field{"name", GoType::String},
    Field{"generateName", GoType::String},
    Field{"namespace", GoType::String},
    Field{"selfLink", GoType::String},
    Field{"uid", GoType::String},
    Field{"resourceVersion", GoType::String},
    Field{"generation", GoType::Int64},
    Field{"creationTimestamp", GoType::Time},
    Field{"deletionTimestamp", GoType::Time},
    Field{"deletionGracePeriodSeconds", GoType::Int64},
    Field{"labels", GoType::StringMap},
    Field{"annotations", GoType::StringMap},
    Field{"ownerReferences", GoType::OwnerRefs},
    Field{"finalizers", GoType::StringList},
    Field{"managedFields", GoType::ManagedFields},
};

constexpr std::array kOwnerReference{
    Field{"apiVersion", GoType::String}, Field{"kind", GoType::String},     Field{"name", GoType::String},
    Field{"uid", GoType::String},        Field{"controller", GoType::Bool}, Field{"blockOwnerDeletion", GoType::Bool},
};

constexpr std::array kManagedFieldsEntry{
    Field{"manager", GoType::String},     Field{"operation", GoType::String},  Field{"apiVersion", GoType::String},
    Field{"time", GoType::Time},          Field{"fieldsType", GoType::String}, Field{"fieldsV1", GoType::Any},
    Field{"subresource", GoType::String},
};

// The entries a Go map keeps, in document order: the last of each key (a
// later duplicate replaces an earlier one). One pass with an index, so a
// hostile metadata of 100,000 labels costs 100,000 steps, not their square.
std::vector<const Entry*> kept_entries(const Node& node) {
  const auto entries = node.entries();
  std::vector<const Entry*> kept;
  kept.reserve(entries.size());
  if (entries.size() <= 16) {
    for (const auto& entry : entries) {
      if (node.get(entry.key) == &entry.value) kept.push_back(&entry);
    }
    return kept;
  }
  std::unordered_map<std::string_view, size_t> last;
  last.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) last[entries[i].key] = i;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (last[entries[i].key] == i) kept.push_back(&entries[i]);
  }
  return kept;
}

class Checker {
 public:
  std::optional<MetaTypeError> error;

  // A struct: each known key, the later of duplicates counting (what the
  // JSON that kubectl decodes holds after YAML's map).
  template <size_t N>
  void fields(const Node& node, const std::array<Field, N>& known, const std::string& path) {
    for (const Entry* entry : kept_entries(node)) {
      if (error) return;
      for (const auto& field : known) {
        if (entry->key == field.name) value(entry->value, field.type, path + std::string(field.name));
      }
    }
  }

  void value(const Node& node, GoType type, const std::string& path) {
    if (error || node.is_null() || type == GoType::Any) return;
    const ScalarType scalar = node.is_scalar() ? node.scalar_type() : ScalarType::Invalid;
    switch (type) {
      case GoType::String:
        if (scalar != ScalarType::String) fail(node, path, type);
        return;
      case GoType::Bool:
        if (scalar != ScalarType::Bool) fail(node, path, type);
        return;
      case GoType::Int64:
        // A float that JSON writes without a fraction (YAML's 1.0) is an Int here.
        if (scalar != ScalarType::Int) fail(node, path, type);
        return;
      case GoType::Time:
        if (scalar != ScalarType::String || !go_parses_rfc3339(node.str())) fail(node, path, type);
        return;
      case GoType::StringMap:
        if (!node.is_mapping()) return fail(node, path, type);
        for (const Entry* entry : kept_entries(node)) value(entry->value, GoType::String, path + "." + entry->key);
        return;
      case GoType::StringList:
      case GoType::OwnerRefs:
      case GoType::ManagedFields: {
        if (!node.is_sequence()) return fail(node, path, type);
        size_t i = 0;
        for (const auto& item : node.items()) {
          std::string at = fmt::format("{}[{}]", path, i++);
          if (type == GoType::StringList) {
            value(item, GoType::String, at);
          } else if (!item.is_null() && !item.is_mapping()) {
            error =
                MetaTypeError{item.mark(), fmt::format("{}: {} where kubectl needs an object", at, json_kind(item))};
          } else if (type == GoType::OwnerRefs) {
            fields(item, kOwnerReference, at + ".");
          } else {
            fields(item, kManagedFieldsEntry, at + ".");
          }
          if (error) return;
        }
        return;
      }
      case GoType::Any: return;
    }
  }

 private:
  void fail(const Node& node, const std::string& path, GoType type) {
    std::string found(json_kind(node));
    if (type == GoType::Time && node.is_scalar() && node.scalar_type() == ScalarType::String) {
      found = fmt::format("'{}'", node.str().substr(0, 64));
    }
    error = MetaTypeError{node.mark(), fmt::format("{}: {} where kubectl needs {} (kubectl refuses the document)", path,
                                                   found, go_type_name(type))};
  }
};

bool digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int number(std::string_view s) {
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

int days_in(int month, int year) {
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return month == 2 && leap ? 29 : kDays[static_cast<size_t>(month - 1)];
}

}  // namespace

bool go_parses_rfc3339(std::string_view s) {
  // 2006-01-02T15:04:05Z07:00 through Go's general parser (its RFC 3339 fast
  // path accepts a subset of the same texts).
  if (s.size() < 11 || !digits(s.substr(0, 4)) || s[4] != '-' || !digits(s.substr(5, 2)) || s[7] != '-' ||
      !digits(s.substr(8, 2)) || s[10] != 'T') {
    return false;
  }
  int year = number(s.substr(0, 4));
  int month = number(s.substr(5, 2));
  int day = number(s.substr(8, 2));
  s.remove_prefix(11);
  size_t hour_digits = s.size() >= 2 && digits(s.substr(0, 2)) ? 2 : 1;  // "15" takes one or two digits
  if (!digits(s.substr(0, hour_digits))) return false;
  int hour = number(s.substr(0, hour_digits));
  s.remove_prefix(hour_digits);
  if (s.size() < 6 || s[0] != ':' || !digits(s.substr(1, 2)) || s[3] != ':' || !digits(s.substr(4, 2))) return false;
  int minute = number(s.substr(1, 2));
  int second = number(s.substr(4, 2));
  s.remove_prefix(6);
  if (s.size() >= 2 && (s[0] == '.' || s[0] == ',') && s[1] >= '0' && s[1] <= '9') {
    size_t n = 2;
    while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
    s.remove_prefix(n);
  }
  if (s == "Z") {
    // UTC
  } else if (s.size() == 6 && (s[0] == '+' || s[0] == '-') && digits(s.substr(1, 2)) && s[3] == ':' &&
             digits(s.substr(4, 2))) {
    if (number(s.substr(1, 2)) > 24 || number(s.substr(4, 2)) > 60) return false;
  } else {
    return false;
  }
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in(month, year) && hour <= 23 && minute <= 59 &&
         second <= 59;
}

std::optional<MetaTypeError> check_meta_types(const Node& document) {
  if (!document.is_mapping()) return std::nullopt;
  Checker check;
  for (std::string_view key : {"apiVersion", "kind"}) {
    if (const Node* v = document.get(key)) check.value(*v, GoType::String, std::string(key));
  }
  if (const Node* metadata = document.get("metadata"); metadata != nullptr && !check.error) {
    if (!metadata->is_null() && !metadata->is_mapping()) {
      return MetaTypeError{metadata->mark(),
                           fmt::format("metadata: {} where kubectl needs an object (kubectl refuses the document)",
                                       json_kind(*metadata))};
    }
    check.fields(*metadata, kObjectMeta, "metadata.");
  }
  return std::move(check.error);
}

}  // namespace kg::doc
