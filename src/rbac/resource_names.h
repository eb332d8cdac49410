// Resource names the way kubectl takes them: plural, singular, short name or
// Kind, optionally with ".group" (pod, po, Pod, deploy, deployments.apps),
// for the built-in API of Kubernetes 1.33. RBAC rules name the plural.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kg::rbac {

struct ResourceName {
  std::string plural;  // pods
  std::string group;   // "" for the core group, apps, ...
};

// nullopt for a name that is no built-in resource (a custom resource: RBAC
// takes it as written).
std::optional<ResourceName> resolve_resource_name(std::string_view typed);

}  // namespace kg::rbac
