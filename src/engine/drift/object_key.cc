#include "engine/drift/object_key.h"

#include <array>

#include <fmt/format.h>

#include "k8s/kinds.h"
#include "k8s/owner_reference.h"

namespace kg::engine::drift {

std::string ObjectKey::display() const {
  if (name_space.empty()) return fmt::format("{} {}", kind, name);
  return fmt::format("{} {}/{}", kind, name_space, name);
}

bool is_cluster_scoped(std::string_view kind) {
  static constexpr std::array<std::string_view, 28> kKinds = {"Namespace",
                                                              "Node",
                                                              "PersistentVolume",
                                                              "ClusterRole",
                                                              "ClusterRoleBinding",
                                                              "MutatingWebhookConfiguration",
                                                              "ValidatingWebhookConfiguration",
                                                              "ValidatingAdmissionPolicy",
                                                              "ValidatingAdmissionPolicyBinding",
                                                              "MutatingAdmissionPolicy",
                                                              "MutatingAdmissionPolicyBinding",
                                                              "CustomResourceDefinition",
                                                              "APIService",
                                                              "StorageClass",
                                                              "CSIDriver",
                                                              "CSINode",
                                                              "VolumeAttachment",
                                                              "PriorityClass",
                                                              "RuntimeClass",
                                                              "IngressClass",
                                                              "PodSecurityPolicy",
                                                              "CertificateSigningRequest",
                                                              "FlowSchema",
                                                              "PriorityLevelConfiguration",
                                                              "ComponentStatus",
                                                              "ClusterIssuer",
                                                              "ClusterTrustBundle",
                                                              "SelfSubjectReview"};
  for (auto k : kKinds) {
    if (k == kind) return true;
  }
  return false;
}

std::string storage_group(std::string_view api_version, std::string_view kind) {
  auto slash = api_version.find('/');
  std::string_view group = slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
  if (group == "extensions") {
    // The workload kinds' group today is the table's (k8s/kinds: legacy_group).
    if (const k8s::KindInfo* info = k8s::find_kind(api_version, kind); info != nullptr && info->legacy_group == group) {
      return std::string(info->group());
    }
    if (kind == "Ingress" || kind == "NetworkPolicy") return "networking.k8s.io";
  }
  return std::string(group);
}

ObjectKey key_of(const k8s::ObjectRef& ref, std::string_view default_namespace) {
  ObjectKey key;
  key.group = storage_group(ref.api_version, ref.kind);
  key.kind = ref.kind;
  if (!is_cluster_scoped(ref.kind))
    key.name_space = ref.name_space.empty() ? std::string(default_namespace) : ref.name_space;
  key.name = ref.name;
  return key;
}

ObjectKey owner_key(const doc::Node& owner_reference, std::string_view dependent_namespace) {
  std::string_view kind = k8s::string_at(&owner_reference, "kind");
  ObjectKey key;
  key.group = storage_group(k8s::string_at(&owner_reference, "apiVersion"), kind);
  key.kind = kind;
  if (!is_cluster_scoped(kind)) key.name_space = dependent_namespace;
  key.name = k8s::string_at(&owner_reference, "name");
  return key;
}

const doc::Node* controller_reference(const k8s::Object& object) {
  if (const doc::Node* controller = k8s::controller_reference(*object.root)) return controller;
  const doc::Node* refs = object.root->find({"metadata", "ownerReferences"});
  if (refs == nullptr || !refs->is_sequence() || refs->size() == 0) return nullptr;
  return &refs->items().front();
}

}  // namespace kg::engine::drift
