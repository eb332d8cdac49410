#include "admission/update_diff.h"

#include <algorithm>
#include <optional>

#include "engine/drift/emit.h"
#include "engine/drift/pod_diff.h"
#include "engine/suppression.h"
#include "k8s/image_ref.h"
#include "k8s/pod_spec.h"

namespace kg::admission {
namespace {

using rules::drift::DriftRule;

const k8s::ContainerView* by_name(const k8s::PodSpecView& pod, std::string_view name) {
  for (const auto& c : pod.containers) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// A container is treated as an approved sidecar when a profile approved it on
// either side, or its name and repository fit one (a hand-written sidecar).
bool is_sidecar(const k8s::ContainerView* c, std::span<const k8s::SidecarProfile> profiles) {
  if (c == nullptr) return false;
  if (c->profile != nullptr || c->impersonates != nullptr) return true;
  std::string repository = k8s::parse_image(c->image).repository();
  return std::any_of(profiles.begin(), profiles.end(),
                     [&](const auto& p) { return p.matches_name(c->name) && p.matches_repository(repository); });
}

// Another repository, or another (or a dropped) digest; a new tag of the same
// repository is an ordinary rollout.
bool image_moved(const k8s::ContainerView* before, const k8s::ContainerView* after) {
  if (before == nullptr || after == nullptr) return true;
  k8s::ImageRef a = k8s::parse_image(before->image);
  k8s::ImageRef b = k8s::parse_image(after->image);
  if (a.repository() != b.repository()) return true;
  return !a.digest.empty() && a.digest != b.digest;
}

bool rule_is(const rules::Finding& f, DriftRule rule) { return f.rule_id == rules::drift::meta(rule).id; }

}  // namespace

void diff_update(const k8s::Object& old_object, const k8s::Object& object, const engine::Config& config,
                 std::vector<rules::Finding>& out) {
  const auto& profiles = config.settings.sidecar_profiles;
  std::optional<k8s::PodSpecView> before = k8s::pod_spec_of(old_object, profiles);
  std::optional<k8s::PodSpecView> after = k8s::pod_spec_of(object, profiles);
  if (!before || !after) return;
  // Suppressions come from the old object: the update is what an intruder writes.
  std::vector<rules::Finding> found;
  engine::drift::DriftEmitter emitter(object, engine::ignore_list_of(old_object, &*before), config, found);
  engine::drift::diff_pod(engine::drift::PodPair{*before, *after, "", profiles}, emitter);
  for (auto& f : found) {
    bool keep = false;
    if (rule_is(f, DriftRule::ContainerAdded) || rule_is(f, DriftRule::EphemeralContainerAdded)) {
      keep = true;
    } else if (rule_is(f, DriftRule::ImageChanged)) {
      keep = image_moved(by_name(*before, f.container), by_name(*after, f.container));
    } else if (rule_is(f, DriftRule::CommandChanged)) {
      keep = is_sidecar(by_name(*before, f.container), profiles) || is_sidecar(by_name(*after, f.container), profiles);
    }
    if (keep) out.push_back(std::move(f));
  }
}

}  // namespace kg::admission
