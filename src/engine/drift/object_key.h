// Which live object is which manifest: group, kind, namespace and name. The
// version is left out (apps/v1beta2 and apps/v1 name the same stored object).
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "doc/node.h"
#include "k8s/object.h"

namespace kg::engine::drift {

struct ObjectKey {
  std::string group;  // "" for the core group
  std::string kind;
  std::string name_space;  // "" for cluster-scoped objects
  std::string name;

  // clang-tidy 14 flags the literal 0 the defaulted <=> compares with (llvm#53961).
  // NOLINTNEXTLINE(modernize-use-nullptr): false positive, no pointer here
  auto operator<=>(const ObjectKey&) const = default;
  std::string display() const;  // "Kind ns/name" or "Kind name"
};

// Built-in kinds without a namespace.
bool is_cluster_scoped(std::string_view kind);

// The group an object is stored under: the legacy extensions group served
// Deployments, DaemonSets, ReplicaSets, Ingresses and NetworkPolicies that now
// live in apps and networking.k8s.io.
std::string storage_group(std::string_view api_version, std::string_view kind);

// An object without metadata.namespace is in `default_namespace` (what
// `kubectl apply` does), unless its kind is cluster-scoped.
ObjectKey key_of(const k8s::ObjectRef& ref, std::string_view default_namespace);

// The object an ownerReferences entry names, in the namespace of its dependent.
ObjectKey owner_key(const doc::Node& owner_reference, std::string_view dependent_namespace);

// The controlling entry of metadata.ownerReferences (controller: true), else
// the first; null when there is none.
const doc::Node* controller_reference(const k8s::Object& object);

}  // namespace kg::engine::drift
