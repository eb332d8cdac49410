#include "engine/drift/owners.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include <fmt/format.h>

#include "k8s/kinds.h"
#include "k8s/pod_spec.h"

namespace kg::engine::drift {
namespace {

std::string_view label(const k8s::Object& object, std::string_view key) {
  return k8s::string_at(object.root->find({"metadata", "labels"}), key);
}

// The owner controls a newer revision than the one this object was made from:
// its template says nothing about this object.
bool older_revision(const k8s::Object& object, const k8s::Object& owner) {
  if (object.ref.kind == "ReplicaSet" && owner.ref.kind == "Deployment") {
    std::string_view mine = object.annotation("deployment.kubernetes.io/revision");
    std::string_view theirs = owner.annotation("deployment.kubernetes.io/revision");
    return !mine.empty() && !theirs.empty() && mine != theirs;
  }
  if (object.ref.kind == "Pod" && owner.ref.kind == "StatefulSet") {
    std::string_view mine = label(object, "controller-revision-hash");
    std::string_view theirs = k8s::string_at(owner.root->get("status"), "updateRevision");
    return !mine.empty() && !theirs.empty() && mine != theirs;
  }
  return false;
}

// The name an owner's controller gave it from its own: a ReplicaSet is named
// <deployment>-<pod-template-hash>, a CronJob's Job <cronjob>-<minutes>.
std::optional<std::string> maker_name(const k8s::Object& object, const ObjectKey& owner) {
  if (owner.kind == "ReplicaSet") {
    std::string_view hash = label(object, "pod-template-hash");
    std::string suffix = fmt::format("-{}", hash);
    if (hash.empty() || owner.name.size() <= suffix.size() || !owner.name.ends_with(suffix)) return std::nullopt;
    return owner.name.substr(0, owner.name.size() - suffix.size());
  }
  if (owner.kind == "Job") {
    auto dash = owner.name.rfind('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 == owner.name.size()) return std::nullopt;
    std::string_view digits = std::string_view(owner.name).substr(dash + 1);
    if (!std::all_of(digits.begin(), digits.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      return std::nullopt;
    }
    return owner.name.substr(0, dash);
  }
  return std::nullopt;
}

// The owner's owner when the middle object is not in the input: the kind
// that makes objects of the owner's kind (the table of kinds), under the
// name the owner was given from it.
std::optional<ObjectKey> inferred_owner(const k8s::Object& object, const ObjectKey& owner) {
  const k8s::KindInfo* made = k8s::find_kind({}, owner.kind);
  const k8s::KindInfo* maker = made == nullptr || made->made_by.empty() ? nullptr : k8s::find_kind({}, made->made_by);
  if (maker == nullptr) return std::nullopt;
  std::optional<std::string> name = maker_name(object, owner);
  if (!name) return std::nullopt;
  return ObjectKey{std::string(maker->group()), std::string(maker->kind), owner.name_space, std::move(*name)};
}

bool has_template(const k8s::Object& object) { return k8s::pod_spec_of(object).has_value(); }

}  // namespace

const k8s::Object* ObjectIndex::find(const ObjectKey& key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : it->second;
}

TemplateSource template_source(const k8s::Object& object, const ObjectKey& key, const ObjectIndex& live,
                               const ObjectIndex& baseline) {
  TemplateSource source;
  const doc::Node* reference = controller_reference(object);
  if (reference == nullptr) return source;
  ObjectKey owner = owner_key(*reference, key.name_space);
  source.key = owner;
  auto from = [&](const k8s::Object* found, bool is_live, const ObjectKey& k) {
    if (!has_template(*found)) {
      source.not_compared = fmt::format("its owner {} has no pod template", k.display());
      return;
    }
    if (is_live && older_revision(object, *found)) {
      source.not_compared = fmt::format("it belongs to an older revision of {}", k.display());
      return;
    }
    source.object = found;
    source.live = is_live;
    source.key = k;
  };
  if (const k8s::Object* o = live.find(owner)) {
    from(o, true, owner);
    return source;
  }
  if (const k8s::Object* o = baseline.find(owner)) {
    from(o, false, owner);
    return source;
  }
  if (auto grand = inferred_owner(object, owner)) {
    if (const k8s::Object* o = live.find(*grand)) {
      from(o, true, *grand);
      return source;
    }
    if (const k8s::Object* o = baseline.find(*grand)) {
      from(o, false, *grand);
      return source;
    }
  }
  source.not_compared = fmt::format("its owner {} is in neither input", owner.display());
  return source;
}

const k8s::Object* baseline_anchor(const k8s::Object& object, const ObjectKey& key, const ObjectIndex& live,
                                   const ObjectIndex& baseline) {
  const k8s::Object* current = &object;
  ObjectKey current_key = key;
  // Owner chains are at most Pod -> Job -> CronJob or Pod -> ReplicaSet -> Deployment; the bound stops cycles.
  for (int depth = 0; depth < 4; ++depth) {
    if (const k8s::Object* b = baseline.find(current_key)) return b;
    const doc::Node* reference = controller_reference(*current);
    if (reference == nullptr) return nullptr;
    ObjectKey owner = owner_key(*reference, current_key.name_space);
    if (const k8s::Object* b = baseline.find(owner)) return b;
    if (const k8s::Object* l = live.find(owner)) {
      current = l;
      current_key = owner;
      continue;
    }
    auto grand = inferred_owner(*current, owner);
    return grand ? baseline.find(*grand) : nullptr;
  }
  return nullptr;
}

}  // namespace kg::engine::drift
