#include "engine/drift/env_volume_diff.h"

#include <map>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/drift/canonical.h"
#include "engine/drift/text.h"

namespace kg::engine::drift {
namespace {

struct Keyed {
  std::string text;                 // canonical content, compared
  const doc::Node* node = nullptr;  // the entry
  size_t index = 0;
};
using KeyedList = std::map<std::string, Keyed, std::less<>>;

std::string canonical_text(const doc::Node& node, std::string_view skip_key) {
  FlatMap flat;
  for (const auto& e : node.entries()) {
    if (e.key != skip_key) flatten(&e.value, e.key, is_source_default, flat);
  }
  std::vector<std::string> parts;
  for (const auto& [k, v] : flat) parts.push_back(fmt::format("{}={}", k, v.text));
  return fmt::format("{}", fmt::join(parts, ";"));
}

// Entries of a list keyed by one of their fields (env by name, mounts by path).
KeyedList keyed(const doc::Node* list, std::string_view key) {
  KeyedList out;
  if (list == nullptr || !list->is_sequence()) return out;
  size_t i = 0;
  for (const auto& item : list->items()) {
    std::string k(k8s::string_at(&item, key));
    out[k] = Keyed{canonical_text(item, key), &item, i++};
  }
  return out;
}

struct Delta {
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::vector<std::string> changed;
  bool empty() const { return added.empty() && removed.empty() && changed.empty(); }
};

Delta delta(const KeyedList& before, const KeyedList& after) {
  Delta d;
  for (const auto& [k, v] : after) {
    auto it = before.find(k);
    if (it == before.end()) d.added.push_back(k);
    else if (it->second.text != v.text) d.changed.push_back(k);
  }
  for (const auto& [k, v] : before) {
    if (!after.contains(k)) d.removed.push_back(k);
  }
  return d;
}

// "secretRef admin-creds" for an envFrom entry.
std::string env_from_label(const doc::Node& entry) {
  for (auto kind : {"secretRef", "configMapRef"}) {
    if (const doc::Node* ref = entry.get(kind)) {
      std::string_view prefix = k8s::string_at(&entry, "prefix");
      return prefix.empty() ? fmt::format("{} {}", kind, k8s::string_at(ref, "name"))
                            : fmt::format("{} {} (prefix {})", kind, k8s::string_at(ref, "name"), prefix);
    }
  }
  return "entry";
}

KeyedList env_from(const doc::Node* list) {
  KeyedList out;
  if (list == nullptr || !list->is_sequence()) return out;
  size_t i = 0;
  for (const auto& item : list->items()) {
    std::string label = env_from_label(item);
    out[label + "\x1f" + canonical_text(item, "")] = Keyed{label, &item, i++};
  }
  return out;
}

std::vector<std::string> labels(const KeyedList& list, const std::vector<std::string>& keys) {
  std::vector<std::string> out;
  out.reserve(keys.size());
  for (const auto& k : keys) out.push_back(list.at(k).text);
  return out;
}

bool mount_default(std::string_view path, std::string_view value) {
  return (path == "readOnly" && value == "false") || (path == "mountPropagation" && value == "None") ||
         (path == "recursiveReadOnly" && value == "Disabled");
}

std::string mount_text(const doc::Node& mount) {
  FlatMap flat;
  for (const auto& e : mount.entries()) {
    if (e.key != "mountPath") flatten(&e.value, e.key, mount_default, flat);
  }
  std::vector<std::string> parts;
  for (const auto& [k, v] : flat) parts.push_back(fmt::format("{} {}", k, v.text));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// Volume settings are not secret: the fields that changed, old -> new.
std::string source_changes(const doc::Node& before, const doc::Node& after) {
  FlatMap a;
  FlatMap b;
  flatten(&before, "", is_source_default, a);
  flatten(&after, "", is_source_default, b);
  std::vector<std::string> parts;
  for (const auto& c : compare(a, b)) parts.push_back(describe(c));
  return show_names(parts, 4);
}

}  // namespace

std::string volume_summary(const doc::Node& volume) {
  for (const auto& e : volume.entries()) {
    if (e.key == "name") continue;
    std::string_view detail;
    if (e.key == "hostPath") detail = k8s::string_at(&e.value, "path");
    else if (e.key == "configMap") detail = k8s::string_at(&e.value, "name");
    else if (e.key == "secret") detail = k8s::string_at(&e.value, "secretName");
    else if (e.key == "persistentVolumeClaim") detail = k8s::string_at(&e.value, "claimName");
    return detail.empty() ? e.key : fmt::format("{} {}", e.key, detail);
  }
  return "no source";
}

void diff_env(const k8s::ContainerView& baseline, const k8s::ContainerView& live, std::string_view note,
              DriftEmitter& out) {
  KeyedList before = keyed(baseline.node->get("env"), "name");
  KeyedList after = keyed(live.node->get("env"), "name");
  Delta env = delta(before, after);
  KeyedList from_before = env_from(baseline.node->get("envFrom"));
  KeyedList from_after = env_from(live.node->get("envFrom"));
  Delta from = delta(from_before, from_after);
  if (env.empty() && from.empty()) return;

  std::vector<std::string> parts;
  if (!env.added.empty()) parts.push_back("env added " + show_names(env.added));
  if (!env.removed.empty()) parts.push_back("env removed " + show_names(env.removed));
  if (!env.changed.empty()) parts.push_back("env value changed " + show_names(env.changed));
  if (!from.added.empty()) parts.push_back("envFrom added " + show_names(labels(from_after, from.added)));
  if (!from.removed.empty()) parts.push_back("envFrom removed " + show_names(labels(from_before, from.removed)));

  // Point at the one variable when a single one was added or changed.
  std::string path = live.path;
  const doc::Node* at = live.node;
  std::vector<std::string> touched = env.added;
  touched.insert(touched.end(), env.changed.begin(), env.changed.end());
  if (touched.size() == 1 && from.empty()) {
    const Keyed& k = after.at(touched.front());
    path = fmt::format("{}.env[{}]", live.path, k.index);
    at = k.node;
  } else if (!env.empty() && live.node->get("env") != nullptr) {
    path = live.path + ".env";
    at = live.node->get("env");
  } else if (live.node->get("envFrom") != nullptr) {
    path = live.path + ".envFrom";
    at = live.node->get("envFrom");
  }
  out.report(DriftRule::EnvOrMountsChanged, rules::CaseName(), std::move(path), at,
             fmt::format("environment of container '{}' changed{}: {}", live.name, note, fmt::join(parts, "; ")),
             &live);
}

VolumeIndex::VolumeIndex(const k8s::PodSpecView& pod) {
  const doc::Node* volumes = pod.spec->get("volumes");
  if (volumes == nullptr || !volumes->is_sequence()) return;
  for (const auto& v : volumes->items()) by_name_.try_emplace(k8s::string_at(&v, "name"), &v);
}

const doc::Node* VolumeIndex::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

void diff_mounts(const k8s::ContainerView& baseline, const k8s::ContainerView& live, const VolumeIndex& live_volumes,
                 const VolumeNames& expected, std::string_view note, DriftEmitter& out) {
  KeyedList before = keyed(baseline.node->get("volumeMounts"), "mountPath");
  KeyedList after = keyed(live.node->get("volumeMounts"), "mountPath");
  std::vector<std::string> parts;
  bool host_path = false;
  const Keyed* first = nullptr;
  for (const auto& [path, mount] : after) {
    auto it = before.find(path);
    std::string_view volume = k8s::string_at(mount.node, "name");
    if (it == before.end()) {
      if (expected.contains(volume)) continue;
      const doc::Node* v = live_volumes.find(volume);
      if (v != nullptr && v->get("hostPath") != nullptr) host_path = true;
      parts.push_back(fmt::format("added {} (volume {})", path, volume));
    } else if (mount_text(*it->second.node) != mount_text(*mount.node)) {
      parts.push_back(
          fmt::format("changed {} ({} -> {})", path, mount_text(*it->second.node), mount_text(*mount.node)));
    } else {
      continue;
    }
    if (first == nullptr) first = &mount;
  }
  for (const auto& [path, mount] : before) {
    if (!after.contains(path)) parts.push_back(fmt::format("removed {}", path));
  }
  if (parts.empty()) return;
  std::string at_path = first != nullptr ? fmt::format("{}.volumeMounts[{}]", live.path, first->index) : live.path;
  out.report(DriftRule::EnvOrMountsChanged, host_path ? "host-path"_case : rules::CaseName(), std::move(at_path),
             first != nullptr ? first->node : live.node,
             fmt::format("volumeMounts of container '{}' changed{}: {}", live.name, note, fmt::join(parts, "; ")),
             &live);
}

void diff_volumes(const k8s::PodSpecView& baseline, const k8s::PodSpecView& live, const VolumeNames& expected,
                  std::string_view note, DriftEmitter& out) {
  KeyedList before = keyed(baseline.spec->get("volumes"), "name");
  KeyedList after = keyed(live.spec->get("volumes"), "name");
  for (const auto& [name, volume] : after) {
    auto it = before.find(name);
    bool host_path = volume.node->get("hostPath") != nullptr;
    std::string message;
    if (it == before.end()) {
      // An injector never needs the node's file system: a hostPath is reported even under an injector's name.
      if (expected.contains(name) && !host_path) continue;
      message = fmt::format("volume '{}' added{}: {}", name, note, volume_summary(*volume.node));
    } else if (it->second.text != volume.text) {
      host_path = host_path && it->second.node->get("hostPath") == nullptr;
      std::string old_summary = volume_summary(*it->second.node);
      std::string new_summary = volume_summary(*volume.node);
      message = old_summary != new_summary
                    ? fmt::format("volume '{}' changed{}: {} -> {}", name, note, old_summary, new_summary)
                    : fmt::format("volume '{}' changed{}: {} ({})", name, note, new_summary,
                                  source_changes(*it->second.node, *volume.node));
    } else {
      continue;
    }
    out.report(DriftRule::EnvOrMountsChanged, host_path ? "host-path"_case : rules::CaseName(),
               fmt::format("{}.volumes[{}]", live.path, volume.index), volume.node, std::move(message));
  }
  std::vector<std::string> removed;
  for (const auto& [name, volume] : before) {
    if (!after.contains(name)) removed.push_back(name);
  }
  if (!removed.empty()) {
    const doc::Node* at = live.spec->get("volumes");
    out.report(DriftRule::EnvOrMountsChanged, rules::CaseName(), at != nullptr ? live.field_path("volumes") : live.path,
               at != nullptr ? at : live.spec, fmt::format("volumes removed{}: {}", note, show_names(removed)));
  }
}

}  // namespace kg::engine::drift
