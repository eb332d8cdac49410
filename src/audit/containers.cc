#include "audit/containers.h"

#include <fmt/format.h>

#include "k8s/object.h"

namespace kg::audit {
namespace {

std::string joined(const doc::Node* container) {
  std::string out;
  for (std::string_view key : {"command", "args"}) {
    const doc::Node* list = container == nullptr ? nullptr : container->get(key);
    if (list == nullptr || !list->is_sequence()) continue;
    for (const auto& item : list->items()) {
      if (!out.empty()) out += ' ';
      out += item.str();
    }
  }
  return out;
}

std::optional<k8s::ContainerKind> kind_of_field(std::string_view field) {
  if (field == "containers") return k8s::ContainerKind::Regular;
  if (field == "initContainers") return k8s::ContainerKind::Init;
  if (field == "ephemeralContainers") return k8s::ContainerKind::Ephemeral;
  return std::nullopt;
}

std::vector<std::string_view> split_pointer(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t at = path.starts_with('/') ? 1 : 0;
  while (at <= path.size()) {
    size_t slash = path.find('/', at);
    if (slash == std::string_view::npos) slash = path.size();
    parts.push_back(path.substr(at, slash - at));
    at = slash + 1;
  }
  return parts;
}

// Walks a merge/strategic/apply patch for lists of containers, wherever the
// kind keeps its pod spec.
void collect_patch_containers(const doc::Node& node, const PodShape* after, std::vector<ContainerChange>& out,
                              int depth) {
  if (depth > 12 || !node.is_mapping()) return;
  for (const auto& e : node.entries()) {
    auto kind = kind_of_field(e.key);
    if (kind && e.value.is_sequence()) {
      for (const auto& c : e.value.items()) {
        std::string_view name = k8s::string_at(&c, "name");
        if (name.empty() || k8s::string_at(&c, "$patch") == "delete") continue;
        ContainerChange change;
        change.change = ChangeKind::Written;
        change.name = std::string(name);
        change.kind = *kind;
        change.new_value = std::string(k8s::string_at(&c, "image"));
        const ContainerSummary* now = after == nullptr ? nullptr : after->find(name, *kind);
        if (now != nullptr) {
          if (change.new_value.empty()) change.new_value = now->image;
          change.approved = now->approved;
          change.profile = now->profile;
        }
        // A patch that only touches resources or env of a container says
        // nothing about its code; only image, command and args count.
        if (c.get("image") == nullptr && c.get("command") == nullptr && c.get("args") == nullptr) continue;
        out.push_back(std::move(change));
      }
      continue;
    }
    collect_patch_containers(e.value, after, out, depth + 1);
  }
}

}  // namespace

const ContainerSummary* PodShape::find(std::string_view name, k8s::ContainerKind kind) const {
  for (const auto& c : containers) {
    if (c.name == name && c.kind == kind) return &c;
  }
  return nullptr;
}

std::optional<PodShape> pod_shape(const doc::Node& object, std::string_view kind,
                                  std::span<const k8s::SidecarProfile> profiles) {
  if (!object.is_mapping()) return std::nullopt;
  k8s::Object view;
  view.ref.api_version = std::string(k8s::string_at(&object, "apiVersion"));  // a Knative Service is not a Service
  view.ref.kind = std::string(kind);
  view.root = &object;
  auto pod = k8s::pod_spec_of(view, profiles);
  if (!pod) return std::nullopt;
  PodShape shape;
  for (const auto& c : pod->containers) {
    ContainerSummary s;
    s.name = std::string(c.name);
    s.kind = c.kind;
    s.image = std::string(c.image);
    s.command = joined(c.node);
    s.approved = c.role == k8s::ContainerRole::InjectedSidecar && c.profile != nullptr;
    if (c.profile != nullptr) s.profile = c.profile->name;
    // A profile's container name with a foreign image: the name is kept so a
    // write that moves an approved sidecar off its image reads as what it is.
    else if (c.impersonates != nullptr) s.profile = c.impersonates->name;
    shape.containers.push_back(std::move(s));
  }
  std::string_view sa = k8s::string_at(pod->spec, "serviceAccountName");
  if (sa.empty()) sa = k8s::string_at(pod->spec, "serviceAccount");
  shape.service_account = sa.empty() ? "default" : std::string(sa);
  return shape;
}

std::vector<ContainerChange> compare_shapes(const PodShape& before, const PodShape& after) {
  std::vector<ContainerChange> out;
  for (const auto& c : after.containers) {
    const ContainerSummary* old = before.find(c.name, c.kind);
    ContainerChange change;
    change.name = c.name;
    change.kind = c.kind;
    change.approved = c.approved;
    change.profile = c.profile;
    if (old == nullptr) {
      change.change = ChangeKind::Added;
      change.new_value = c.image;
      out.push_back(change);
      continue;
    }
    if (old->image != c.image) {
      change.change = ChangeKind::ImageChanged;
      change.old_value = old->image;
      change.new_value = c.image;
      out.push_back(change);
    }
    if (old->command != c.command) {
      change.change = ChangeKind::CommandChanged;
      change.old_value = old->command;
      change.new_value = c.command;
      out.push_back(change);
    }
  }
  return out;
}

std::vector<ContainerChange> added_at_admission(const PodShape& requested, const PodShape& stored) {
  std::vector<ContainerChange> out;
  for (const auto& c : stored.containers) {
    if (requested.find(c.name, c.kind) != nullptr) continue;
    ContainerChange change;
    change.change = ChangeKind::Added;
    change.name = c.name;
    change.kind = c.kind;
    change.new_value = c.image;
    change.approved = c.approved;
    change.profile = c.profile;
    out.push_back(std::move(change));
  }
  return out;
}

std::vector<ContainerChange> interpret_patch(const doc::Node& patch, const PodShape* after) {
  std::vector<ContainerChange> out;
  if (patch.is_mapping()) {
    collect_patch_containers(patch, after, out, 0);
    return out;
  }
  if (!patch.is_sequence()) return out;
  // JSON patch (RFC 6902): [{"op": "add", "path": "/spec/template/spec/containers/-", "value": {...}}, ...]
  for (const auto& op : patch.items()) {
    std::string_view verb = k8s::string_at(&op, "op");
    if (verb != "add" && verb != "replace" && verb != "copy" && verb != "move") continue;
    auto parts = split_pointer(k8s::string_at(&op, "path"));
    for (size_t i = 0; i < parts.size(); ++i) {
      auto kind = kind_of_field(parts[i]);
      if (!kind) continue;
      const doc::Node* value = op.get("value");
      ContainerChange change;
      change.kind = *kind;
      if (i + 1 == parts.size()) {
        // The whole list replaced: every container in it counts as written.
        if (value != nullptr && value->is_sequence()) {
          for (const auto& c : value->items()) {
            change.change = ChangeKind::Written;
            change.name = std::string(k8s::string_at(&c, "name"));
            change.new_value = std::string(k8s::string_at(&c, "image"));
            out.push_back(change);
          }
        }
        break;
      }
      if (i + 2 == parts.size()) {
        // A whole container: /containers/- or /containers/N
        change.change = verb == "replace" ? ChangeKind::Written : ChangeKind::Added;
        change.name = std::string(k8s::string_at(value, "name"));
        change.new_value = std::string(k8s::string_at(value, "image"));
        out.push_back(change);
        break;
      }
      std::string_view field = parts[i + 2];
      size_t index = 0;
      bool numeric = !parts[i + 1].empty();
      for (char ch : parts[i + 1]) {
        if (ch < '0' || ch > '9') numeric = false;
        else index = index * 10 + static_cast<size_t>(ch - '0');
      }
      if (after != nullptr && numeric) {
        size_t seen = 0;
        for (const auto& c : after->containers) {
          if (c.kind != *kind) continue;
          if (seen++ == index) {
            change.name = c.name;
            change.approved = c.approved;
            change.profile = c.profile;
            break;
          }
        }
      }
      if (change.name.empty()) change.name = fmt::format("#{}", parts[i + 1]);
      if (field == "image") {
        change.change = ChangeKind::ImageChanged;
        change.new_value = value != nullptr ? std::string(value->str()) : std::string();
        out.push_back(change);
      } else if (field == "command" || field == "args") {
        change.change = ChangeKind::CommandChanged;
        const ContainerSummary* now = after == nullptr ? nullptr : after->find(change.name, *kind);
        change.new_value = now != nullptr ? now->command : std::string();
        out.push_back(change);
      }
      break;
    }
  }
  return out;
}

bool touches_pod_spec(const doc::Node& body) {
  if (body.is_sequence()) {
    for (const auto& op : body.items()) {
      std::string_view path = k8s::string_at(&op, "path");
      if (path.find("/spec/") != std::string_view::npos && path.find("/metadata/") == std::string_view::npos &&
          path != "/spec/replicas") {
        return true;
      }
    }
    return false;
  }
  const doc::Node* spec = body.get("spec");
  if (spec == nullptr || !spec->is_mapping()) return false;
  for (const auto& e : spec->entries()) {
    if (e.key == "replicas" || e.key == "paused") continue;
    if (e.key == "template" || e.key == "jobTemplate") {
      const doc::Node* inner = e.value.get("spec");
      if (e.key == "jobTemplate" && inner != nullptr) inner = inner->find({"template", "spec"});
      if (inner != nullptr) return true;
      continue;
    }
    return true;
  }
  return false;
}

}  // namespace kg::audit
