// Whether one policy rule allows one request, exactly as the Kubernetes RBAC
// authorizer decides it (pkg/apis/rbac/v1/evaluation_helpers.go): "*" in
// verbs, apiGroups or resources matches anything; "*/sub" matches that
// subresource of any resource; resourceNames restrict to those names (a
// request without a name, such as create or list, never matches them);
// nonResourceURLs match exactly or by prefix when they end in "*".
#pragma once

#include <string>
#include <string_view>

#include "rbac/objects.h"

namespace kg::rbac {

struct Attributes {
  std::string verb;
  bool resource_request = true;
  std::string api_group;    // "" for the core group
  std::string resource;     // "pods"
  std::string subresource;  // "exec", or ""
  std::string name;         // "" when the request names no object
  std::string name_space;   // "" for cluster-scoped requests (and all-namespace lists)
  std::string path;         // non-resource requests: "/healthz"

  // "pods/exec" from resource and subresource.
  std::string resource_text() const;
};

// Splits "pods/exec" into resource and subresource.
void set_resource(Attributes& attributes, std::string_view resource_with_sub);

bool verb_matches(const PolicyRule& rule, std::string_view verb);
bool api_group_matches(const PolicyRule& rule, std::string_view group);
bool resource_matches(const PolicyRule& rule, std::string_view combined, std::string_view subresource);
bool resource_name_matches(const PolicyRule& rule, std::string_view name);
bool non_resource_url_matches(const PolicyRule& rule, std::string_view path);

bool rule_allows(const PolicyRule& rule, const Attributes& attributes);

}  // namespace kg::rbac
