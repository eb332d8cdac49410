// Kubernetes' default RBAC objects, the ones the API server creates and
// reconciles at start (its bootstrap policy), as plain rows. Generated into
// defaults_table.cc by scripts/gen-rbac-defaults.py; src/rbac/defaults.h
// turns them into the model's values and answers "is this the default?".
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace kg::rbac::defaults {

struct RoleRow {
  bool cluster;
  std::string_view name_space;
  std::string_view name;
  std::string_view labels;     // "k=v,k=v"
  bool aggregated;             // has an aggregationRule
  std::string_view selectors;  // matchLabels of each clusterRoleSelector: "k=v,k=v;k=v"
};

struct RuleRow {
  size_t role;                                                                       // index into roles()
  std::string_view verbs, api_groups, resources, resource_names, non_resource_urls;  // comma-separated
};

struct BindingRow {
  bool cluster;
  std::string_view name_space;
  std::string_view name;
  bool role_is_cluster;
  std::string_view role_name;
  std::string_view subjects;  // "Kind:namespace:name;..."
};

std::string_view version();
std::span<const RoleRow> roles();
std::span<const RuleRow> rules();
std::span<const BindingRow> bindings();

}  // namespace kg::rbac::defaults
