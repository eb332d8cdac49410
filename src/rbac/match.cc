#include "rbac/match.h"

#include <algorithm>

namespace kg::rbac {
namespace {

bool contains(const std::vector<std::string>& values, std::string_view v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

}  // namespace

std::string Attributes::resource_text() const { return subresource.empty() ? resource : resource + "/" + subresource; }

void set_resource(Attributes& attributes, std::string_view resource_with_sub) {
  size_t slash = resource_with_sub.find('/');
  attributes.resource = std::string(resource_with_sub.substr(0, slash));
  attributes.subresource =
      slash == std::string_view::npos ? std::string() : std::string(resource_with_sub.substr(slash + 1));
}

bool verb_matches(const PolicyRule& rule, std::string_view verb) {
  return contains(rule.verbs, "*") || contains(rule.verbs, verb);
}

bool api_group_matches(const PolicyRule& rule, std::string_view group) {
  return contains(rule.api_groups, "*") || contains(rule.api_groups, group);
}

bool resource_matches(const PolicyRule& rule, std::string_view combined, std::string_view subresource) {
  for (const auto& r : rule.resources) {
    if (r == "*" || r == combined) return true;
    if (subresource.empty()) continue;
    // "*/sub": that subresource of every resource, nothing else.
    if (r.size() == subresource.size() + 2 && r.starts_with("*/") && r.ends_with(subresource)) return true;
  }
  return false;
}

bool resource_name_matches(const PolicyRule& rule, std::string_view name) {
  return rule.resource_names.empty() || contains(rule.resource_names, name);
}

bool non_resource_url_matches(const PolicyRule& rule, std::string_view path) {
  for (const auto& u : rule.non_resource_urls) {
    if (u == "*" || u == path) return true;
    if (u.ends_with('*')) {
      std::string_view prefix = std::string_view(u).substr(0, u.find_last_not_of('*') + 1);
      if (u.find_last_not_of('*') == std::string::npos) prefix = "";
      if (path.starts_with(prefix)) return true;
    }
  }
  return false;
}

bool rule_allows(const PolicyRule& rule, const Attributes& a) {
  if (!a.resource_request) return verb_matches(rule, a.verb) && non_resource_url_matches(rule, a.path);
  std::string combined = a.resource_text();
  return verb_matches(rule, a.verb) && api_group_matches(rule, a.api_group) &&
         resource_matches(rule, combined, a.subresource) && resource_name_matches(rule, a.name);
}

}  // namespace kg::rbac
