#include "rbac/defaults.h"

#include <algorithm>

#include "rbac/defaults_table.h"
#include "rbac/match.h"

namespace kg::rbac {
namespace {

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t end = text.find(sep, start);
    out.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

k8s::Labels labels_of(std::string_view text) {
  k8s::Labels labels;
  for (const auto& pair : split(text, ',')) {
    size_t eq = pair.find('=');
    labels.emplace(pair.substr(0, eq), eq == std::string::npos ? std::string() : pair.substr(eq + 1));
  }
  return labels;
}

PolicyRule rule_of(const defaults::RuleRow& row) {
  PolicyRule rule;
  rule.verbs = split(row.verbs, ',');
  rule.api_groups = split(row.api_groups, ',');
  // The table writes the core group "" as an empty field; a rule with
  // resources always names at least one group.
  if (rule.api_groups.empty() && !row.resources.empty()) rule.api_groups.emplace_back();
  rule.resources = split(row.resources, ',');
  rule.resource_names = split(row.resource_names, ',');
  rule.non_resource_urls = split(row.non_resource_urls, ',');
  return rule;
}

const defaults::RoleRow* find_role(bool cluster, std::string_view name_space, std::string_view name, size_t* index) {
  auto rows = defaults::roles();
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (r.cluster == cluster && r.name == name && (cluster || r.name_space == name_space)) {
      *index = i;
      return &r;
    }
  }
  return nullptr;
}

std::vector<PolicyRule> rules_of_default(size_t index) {
  std::vector<PolicyRule> out;
  for (const auto& row : defaults::rules()) {
    if (row.role == index) out.push_back(rule_of(row));
  }
  return out;
}

// Every path `url` matches (itself a prefix pattern when it ends in "*") is matched by `d`.
bool url_covered(const PolicyRule& d, std::string_view url) {
  for (const auto& du : d.non_resource_urls) {
    if (du == url || du == "*") return true;
    if (du.ends_with('*') && url.starts_with(std::string_view(du).substr(0, du.size() - 1))) return true;
  }
  return false;
}

// Every request `rule` allows is allowed by one of `defaults` (the
// authorizer's own matching, one verb, group, resource and name at a time).
bool covered(const PolicyRule& rule, const std::vector<PolicyRule>& defaults) {
  for (const auto& verb : rule.verbs) {
    for (const auto& url : rule.non_resource_urls) {
      if (!std::any_of(defaults.begin(), defaults.end(),
                       [&](const PolicyRule& d) { return verb_matches(d, verb) && url_covered(d, url); })) {
        return false;
      }
    }
    for (const auto& group : rule.api_groups) {
      for (const auto& resource : rule.resources) {
        Attributes a;
        a.verb = verb;
        a.api_group = group;
        set_resource(a, resource);
        std::vector<std::string> names = rule.resource_names;
        if (names.empty()) names.emplace_back();
        for (const auto& name : names) {
          bool ok = std::any_of(defaults.begin(), defaults.end(), [&](const PolicyRule& d) {
            if (!verb_matches(d, verb) || !api_group_matches(d, group)) return false;
            if (!resource_matches(d, resource, a.subresource)) return false;
            return d.resource_names.empty() || (!name.empty() && resource_name_matches(d, name));
          });
          if (!ok) return false;
        }
      }
    }
  }
  return true;
}

}  // namespace

std::string_view defaults_version() { return defaults::version(); }

bool has_bootstrap_label(const k8s::Labels& labels) {
  auto it = labels.find("kubernetes.io/bootstrapping");
  return it != labels.end() && it->second == "rbac-defaults";
}

std::vector<Role> default_roles() {
  std::vector<Role> out;
  auto rows = defaults::roles();
  out.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    Role role;
    role.cluster = row.cluster;
    role.name_space = std::string(row.name_space);
    role.name = std::string(row.name);
    role.labels = labels_of(row.labels);
    role.bootstrap = true;
    role.origin.ref = k8s::ObjectRef{"rbac.authorization.k8s.io/v1", row.cluster ? "ClusterRole" : "Role",
                                     role.name_space, role.name};
    role.origin.file = "(built in)";
    role.rules = rules_of_default(i);
    for (auto& r : role.rules) r.origin = role.origin;
    role.aggregated = row.aggregated;
    for (const auto& s : split(row.selectors, ';')) {
      k8s::LabelSelector selector;
      selector.match_labels = labels_of(s);
      role.aggregation.push_back(std::move(selector));
    }
    out.push_back(std::move(role));
  }
  return out;
}

bool is_default_role(const Role& role) {
  if (!has_bootstrap_label(role.labels)) return false;
  size_t index = 0;
  const defaults::RoleRow* row = find_role(role.cluster, role.name_space, role.name, &index);
  if (row == nullptr) return false;
  if (row->aggregated) {
    // Its rules are whatever the aggregation controller writes; what it
    // selects is what makes it the default.
    if (!role.aggregated) return false;
    std::vector<k8s::Labels> expected;
    for (const auto& s : split(row->selectors, ';')) expected.push_back(labels_of(s));
    if (expected.size() != role.aggregation.size()) return false;
    for (size_t i = 0; i < expected.size(); ++i) {
      if (!role.aggregation[i].match_expressions.empty() || role.aggregation[i].match_labels != expected[i])
        return false;
    }
    return true;
  }
  if (role.aggregated) return false;
  std::vector<PolicyRule> defaults = rules_of_default(index);
  return std::all_of(role.rules.begin(), role.rules.end(), [&](const PolicyRule& r) { return covered(r, defaults); });
}

bool is_default_binding(const Binding& binding, const k8s::Labels& labels) {
  if (!has_bootstrap_label(labels)) return false;
  for (const auto& row : defaults::bindings()) {
    if (row.cluster != binding.cluster || row.name != binding.name) continue;
    if (!row.cluster && row.name_space != binding.name_space) continue;
    if (row.role_is_cluster != binding.role_is_cluster || row.role_name != binding.role_name) return false;
    std::vector<std::string> allowed = split(row.subjects, ';');
    for (const auto& s : binding.subjects) {
      std::string_view ns = s.name_space;
      if (s.kind == SubjectKind::ServiceAccount && ns.empty()) ns = binding.name_space;
      std::string text = std::string(subject_kind_name(s.kind));
      text += ':';
      if (s.kind == SubjectKind::ServiceAccount) text += ns;
      text += ':';
      text += s.name;
      if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) return false;
    }
    return true;
  }
  return false;
}

}  // namespace kg::rbac
