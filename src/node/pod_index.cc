#include "node/pod_index.h"

namespace kg::node {
namespace {

std::string base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

void add_program(const doc::Node* list, std::vector<std::string>& out) {
  if (list == nullptr || !list->is_sequence() || list->size() == 0) return;
  std::string_view first = list->items().front().str();
  if (!first.empty()) out.push_back(base_name(first));
}

std::vector<std::string> declared_programs(const doc::Node& container) {
  std::vector<std::string> out;
  add_program(container.get("command"), out);
  for (std::string_view hook : {"postStart", "preStop"}) {
    add_program(container.find({"lifecycle", hook, "exec", "command"}), out);
  }
  for (std::string_view probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
    add_program(container.find({probe, "exec", "command"}), out);
  }
  return out;
}

}  // namespace

std::string_view strip_runtime_scheme(std::string_view container_id) {
  size_t scheme = container_id.find("://");
  return scheme == std::string_view::npos ? container_id : container_id.substr(scheme + 3);
}

size_t PodIndex::add(const k8s::Object& object, std::span<const k8s::SidecarProfile> profiles) {
  if (object.ref.kind != "Pod") return 0;
  auto view = k8s::pod_spec_of(object, profiles);
  if (!view) return 0;
  PodRef ref{object.ref.name_space, object.ref.name, std::string(k8s::string_at(object.metadata(), "uid"))};
  if (!ref.uid.empty()) pods_[ref.uid] = ref;
  // Container IDs by name, from every status list.
  std::map<std::string, std::string, std::less<>> ids;
  for (std::string_view list : {"containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"}) {
    const doc::Node* statuses = object.root->find({"status", list});
    if (statuses == nullptr || !statuses->is_sequence()) continue;
    for (const auto& s : statuses->items()) {
      std::string_view id = strip_runtime_scheme(k8s::string_at(&s, "containerID"));
      if (!id.empty()) ids[std::string(k8s::string_at(&s, "name"))] = std::string(id);
    }
  }
  size_t added = 0;
  for (const auto& c : view->containers) {
    auto id = ids.find(c.name);
    if (id == ids.end() || c.node == nullptr) continue;
    ContainerInfo info;
    info.pod = ref;
    info.name = std::string(c.name);
    info.image = std::string(c.image);
    info.role = c.role;
    if (c.profile != nullptr) info.profile = c.profile->name;
    info.declared_programs = declared_programs(*c.node);
    containers_[id->second] = std::move(info);
    ++added;
  }
  return added;
}

const ContainerInfo* PodIndex::container(std::string_view container_id) const {
  auto it = containers_.find(container_id);
  return it == containers_.end() ? nullptr : &it->second;
}

const PodRef* PodIndex::pod(std::string_view uid) const {
  auto it = pods_.find(uid);
  return it == pods_.end() ? nullptr : &it->second;
}

}  // namespace kg::node
