#include "admission/update_diff.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "engine/drift/emit.h"
#include "engine/drift/pod_diff.h"
#include "engine/suppression.h"
#include "k8s/image_ref.h"
#include "k8s/pod_spec.h"

namespace kg::admission {
namespace {

using rules::drift::DriftRule;

// The first container of each name: every finding of the comparison asks for
// its container on both sides, and a workload may have thousands.
class ByName {
 public:
  explicit ByName(const k8s::PodSpecView& pod) {
    for (const auto& c : pod.containers) by_name_.try_emplace(c.name, &c);
  }
  const k8s::ContainerView* operator()(std::string_view name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second;
  }

 private:
  std::unordered_map<std::string_view, const k8s::ContainerView*> by_name_;
};

// A container is treated as an approved sidecar when a profile approved it on
// either side, or its name and repository fit one (a hand-written sidecar).
bool is_sidecar(const k8s::ContainerView* c, std::span<const k8s::SidecarProfile> profiles) {
  if (c == nullptr) return false;
  if (c->profile != nullptr || c->impersonates != nullptr) return true;
  std::string repository = k8s::parse_image(c->image).repository();
  return std::any_of(profiles.begin(), profiles.end(),
                     [&](const auto& p) { return p.matches_name(c->name) && p.matches_repository(repository); });
}

// Another repository, or another (or a dropped) digest; a new version of the
// same image is an ordinary rollout.
bool image_moved(const k8s::ContainerView* before, const k8s::ContainerView* after) {
  return before == nullptr || after == nullptr || !engine::drift::is_new_version(before->image, after->image);
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
  ByName old_by_name(*before);
  ByName new_by_name(*after);
  for (auto& f : found) {
    bool keep = false;
    if (rule_is(f, DriftRule::ContainerAdded) || rule_is(f, DriftRule::EphemeralContainerAdded)) {
      keep = true;
    } else if (rule_is(f, DriftRule::ImageChanged)) {
      keep = image_moved(old_by_name(f.container), new_by_name(f.container));
    } else if (rule_is(f, DriftRule::CommandChanged)) {
      keep = is_sidecar(old_by_name(f.container), profiles) || is_sidecar(new_by_name(f.container), profiles);
    }
    if (keep) out.push_back(std::move(f));
  }
}

}  // namespace kg::admission
