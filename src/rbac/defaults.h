// Kubernetes' default roles and bindings (the API server's bootstrap policy)
// and the evidence that an object of the input is one of them. A name in the
// reserved "system:" prefix is no evidence: anyone may create
// system:metrics-helper. A role or binding counts as the default only when it
// carries the label kubernetes.io/bootstrapping=rbac-defaults, has the name
// of a default, and grants or binds nothing the default does not.
#pragma once

#include <string_view>
#include <vector>

#include "k8s/selector.h"
#include "rbac/objects.h"

namespace kg::rbac {

// The Kubernetes version whose bootstrap policy the table holds ("v1.33.13").
std::string_view defaults_version();

bool has_bootstrap_label(const k8s::Labels& labels);

// Every default role as a value (origin file "(built in)", bootstrap set), so
// a binding to `edit` or `system:node` means what it means in a cluster even
// when the input does not carry the role.
std::vector<Role> default_roles();

// `role` (read from the input, labels and rules filled in) is the default of
// its name: labelled rbac-defaults, a default's kind, namespace and name, and
// every rule it writes covered by the default's rules (an aggregated default:
// the same selectors). The API server adds missing default rules but never
// removes extra ones, so an extra rule is somebody's addition.
bool is_default_role(const Role& role);

// `binding` (subjects filled in) is the default of its name: labelled, the
// same role reference, and only subjects the default binds.
bool is_default_binding(const Binding& binding, const k8s::Labels& labels);

}  // namespace kg::rbac
