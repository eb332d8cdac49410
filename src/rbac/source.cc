#include "rbac/source.h"

#include <array>

#include "doc/source.h"
#include "k8s/pod_spec.h"
#include "rbac/read.h"

namespace kg::rbac {
namespace {

void add_document(const doc::Document& document, Loaded& out) {
  k8s::Extraction extraction;
  k8s::extract_objects(document, extraction);
  for (const auto& object : extraction.objects) {
    ++out.objects_read;
    std::optional<k8s::PodSpecView> pod = k8s::pod_spec_of(object);
    k8s::Origin origin;
    origin.ref = object.ref;
    origin.file = std::string(object.file);
    origin.mark = object.root->mark();
    origin.path = object.path_prefix + "metadata";
    read_object(object, pod ? &*pod : nullptr, origin, out.objects);
  }
}

void move_issues(Loaded& out) {
  for (auto& issue : out.objects.issues) {
    out.errors.push_back(
        doc::LoadError{doc::ErrorCode::Config, std::move(issue.file), issue.mark, std::move(issue.message)});
  }
  out.objects.issues.clear();
}

}  // namespace

Loaded load_files(const std::vector<std::string>& inputs) {
  Loaded out;
  doc::InputSet set = doc::expand_inputs(inputs);
  out.errors = std::move(set.errors);
  out.files = set.files.size();
  for (const auto& file : set.files) {
    doc::load_input(
        file, [&](doc::Document&& document) { add_document(document, out); },
        [&](doc::LoadError&& error) { out.errors.push_back(std::move(error)); });
  }
  move_issues(out);
  return out;
}

Loaded load_cluster(cluster::ApiClient& client, const std::string& origin) {
  Loaded out;
  constexpr std::array<cluster::Resource, 6> kResources = {
      cluster::Resource{"rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false},
      cluster::Resource{"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", false},
      cluster::Resource{"rbac.authorization.k8s.io/v1", "Role", "roles", true},
      cluster::Resource{"rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true},
      cluster::Resource{"v1", "ServiceAccount", "serviceaccounts", true},
      cluster::Resource{"v1", "Pod", "pods", true},
  };
  uint32_t index = 0;
  for (const auto& resource : kResources) {
    auto listed = client.list(resource, "", [&](doc::Node&& item) {
      doc::Document document{origin, index++, std::move(item)};
      add_document(document, out);
    });
    if (!listed) out.errors.push_back(doc::LoadError{doc::ErrorCode::Io, origin, {}, listed.error().message});
  }
  move_issues(out);
  return out;
}

}  // namespace kg::rbac
