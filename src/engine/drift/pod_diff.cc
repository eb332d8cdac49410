#include "engine/drift/pod_diff.h"

#include <array>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "doc/source.h"
#include "engine/drift/security_diff.h"
#include "engine/drift/text.h"
#include "k8s/image_ref.h"

namespace kg::engine::drift {
namespace {

using k8s::ContainerKind;
using k8s::ContainerView;

constexpr std::string_view kTokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

// The containers of one pod by name, built once per comparison: every
// container of the other pod asks for its counterpart, and a pod may have
// thousands (a walk per container would cost their square).
class NameIndex {
 public:
  explicit NameIndex(const k8s::PodSpecView& pod) {
    for (const auto& c : pod.containers) {
      Entry& e = by_name_[c.name];
      auto kind = static_cast<size_t>(c.kind);
      if (e.any == nullptr) e.any = &c;
      if (e.first[kind] == nullptr) e.first[kind] = &c;
      e.last[kind] = &c;
    }
  }

  // The first container of that name, of any kind.
  const ContainerView* find(std::string_view name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second.any;
  }

  // The container `c` corresponds to: same name in the same list, else (a
  // container moved between containers and initContainers) the last of that
  // name in the other list. An approved injected container only matches in
  // its own list, so istio's native sidecar is not taken for a manifest
  // container of the same name that the injector merges into it.
  const ContainerView* counterpart(const ContainerView& c) const {
    auto it = by_name_.find(c.name);
    if (it == by_name_.end()) return nullptr;
    const Entry& e = it->second;
    if (const ContainerView* same = e.first[static_cast<size_t>(c.kind)]) return same;
    if (c.profile != nullptr || c.kind == ContainerKind::Ephemeral) return nullptr;
    ContainerKind other = c.kind == ContainerKind::Init ? ContainerKind::Regular : ContainerKind::Init;
    return e.last[static_cast<size_t>(other)];
  }

 private:
  struct Entry {
    const ContainerView* any = nullptr;
    std::array<const ContainerView*, 3> first{};  // by ContainerKind
    std::array<const ContainerView*, 3> last{};
  };
  std::unordered_map<std::string_view, Entry> by_name_;
};

// The profile a container is, or looks like by name and repository when the
// injector's annotation is missing (a manifest may carry a sidecar by hand).
const k8s::SidecarProfile* sidecar_profile(const ContainerView& c, std::span<const k8s::SidecarProfile> profiles) {
  if (c.profile != nullptr) return c.profile;
  std::string repository = k8s::parse_image(c.image).repository();
  for (const auto& p : profiles) {
    if (p.matches_name(c.name) && p.matches_repository(repository)) return &p;
  }
  return nullptr;
}

bool same_image(std::string_view a, std::string_view b) {
  if (a == b) return true;
  k8s::ImageRef x = k8s::parse_image(a);
  k8s::ImageRef y = k8s::parse_image(b);
  auto tag = [](const k8s::ImageRef& r) { return r.implicit_tag ? std::string("latest") : r.tag; };
  return x.valid && y.valid && x.registry == y.registry && x.path == y.path && tag(x) == tag(y) && x.digest == y.digest;
}

std::string_view or_none(std::string_view image) { return image.empty() ? std::string_view("(none)") : image; }

void report_added(const PodPair& pair, const ContainerView& c, DriftEmitter& out) {
  if (c.profile != nullptr) return;  // an approved injector put it there
  std::string_view kind = c.kind == ContainerKind::Init ? "init container" : "container";
  if (c.impersonates != nullptr) {
    out.report(DriftRule::ContainerAdded, rules::CaseName(), c.path, c.node,
               fmt::format("{} '{}' is not in the manifest{} and takes the name of approved sidecar '{}' with an "
                           "image from a repository its profile does not approve: {}",
                           kind, c.name, pair.note, c.impersonates->name, or_none(c.image)),
               &c);
    return;
  }
  if (const k8s::SidecarProfile* p = sidecar_profile(c, pair.profiles)) {
    out.report(DriftRule::ContainerAdded, "looks-like-sidecar"_case, c.path, c.node,
               fmt::format("{} '{}' (image {}) is not in the manifest{}; it looks like approved sidecar '{}' but "
                           "the injector's annotation {} does not record it",
                           kind, c.name, or_none(c.image), pair.note, p->name,
                           p->status_annotation.empty() ? std::string_view("(none)") : p->status_annotation),
               &c);
    return;
  }
  out.report(DriftRule::ContainerAdded, rules::CaseName(), c.path, c.node,
             fmt::format("{} '{}' (image {}) is not in the manifest{} and matches no approved sidecar profile", kind,
                         c.name, or_none(c.image), pair.note),
             &c);
}

void diff_image(const PodPair& pair, const ContainerView& base, const ContainerView& live, DriftEmitter& out) {
  if (same_image(base.image, live.image)) return;
  const doc::Node* at = live.node->get("image");
  std::string path = live.path + ".image";
  const k8s::SidecarProfile* approved = sidecar_profile(base, pair.profiles);
  std::string repository = k8s::parse_image(live.image).repository();
  if (approved != nullptr && live.profile == nullptr && !approved->matches_repository(repository)) {
    out.report(DriftRule::ImageChanged, "sidecar-off-profile"_case, std::move(path), at,
               fmt::format("image of approved sidecar '{}' moved to a repository its profile '{}' does not "
                           "approve{}: {} -> {}",
                           live.name, approved->name, pair.note, or_none(base.image), or_none(live.image)),
               &live);
    return;
  }
  out.report(DriftRule::ImageChanged, rules::CaseName(), std::move(path), at,
             fmt::format("image of container '{}' changed{}: {} -> {}", live.name, pair.note, or_none(base.image),
                         or_none(live.image)),
             &live);
}

void diff_commands(const PodPair& pair, const ContainerView& base, const ContainerView& live, DriftEmitter& out) {
  bool sidecar = sidecar_profile(base, pair.profiles) != nullptr || live.profile != nullptr;
  for (auto field : {std::initializer_list<std::string_view>{"command"},
                     {"args"},
                     {"lifecycle", "postStart", "exec", "command"},
                     {"lifecycle", "preStop", "exec", "command"}}) {
    std::vector<std::string> before = string_list(base.node->find(field));
    std::vector<std::string> after = string_list(live.node->find(field));
    if (before == after) continue;
    std::string name = fmt::format("{}", fmt::join(field, "."));
    const doc::Node* at = live.node->find(field);
    out.report(DriftRule::CommandChanged, sidecar ? "sidecar"_case : rules::CaseName(),
               at != nullptr ? fmt::format("{}.{}", live.path, name) : live.path, at != nullptr ? at : live.node,
               fmt::format("{} of {} '{}' changed{}: {} -> {}", name, sidecar ? "sidecar" : "container", live.name,
                           pair.note, show_list(before), show_list(after)),
               &live);
  }
}

void add_status_volumes(const k8s::PodSpecView& live, const k8s::SidecarProfile& profile, VolumeNames& out) {
  if (!profile.status_lists_containers) return;
  std::string_view value = live.pod_annotation(profile.status_annotation);
  if (value.empty()) return;
  doc::load_text(
      value, "annotation",
      [&](doc::Document&& d) {
        if (const doc::Node* list = d.root.get("volumes"); list != nullptr && list->is_sequence()) {
          for (const auto& v : list->items()) out.emplace(v.str());
        }
      },
      [](doc::LoadError&&) {});
}

// Names of the volumes some container mounts at the token path.
std::unordered_set<std::string_view> mounted_at_token_path(const k8s::PodSpecView& pod) {
  std::unordered_set<std::string_view> out;
  for (const auto& c : pod.containers) {
    const doc::Node* mounts = c.node->get("volumeMounts");
    if (mounts == nullptr || !mounts->is_sequence()) continue;
    for (const auto& m : mounts->items()) {
      if (k8s::string_at(&m, "mountPath") == kTokenMountPath) out.insert(k8s::string_at(&m, "name"));
    }
  }
  return out;
}

// The service-account admission plugin's volume: kube-api-access-<suffix>
// (projected), or before 1.24 the Secret <serviceaccount>-token-<suffix>.
bool is_token_volume(const std::unordered_set<std::string_view>& at_token_path, const doc::Node& volume) {
  std::string_view name = k8s::string_at(&volume, "name");
  if (name.starts_with("kube-api-access-") && volume.get("projected") != nullptr) return true;
  return name.find("-token-") != std::string_view::npos && volume.get("secret") != nullptr &&
         at_token_path.contains(name);
}

VolumeNames expected_volumes(const PodPair& pair, const NameIndex& baseline) {
  VolumeNames names;
  if (const doc::Node* volumes = pair.live.spec->get("volumes"); volumes != nullptr && volumes->is_sequence()) {
    std::unordered_set<std::string_view> at_token_path = mounted_at_token_path(pair.live);
    for (const auto& v : volumes->items()) {
      if (is_token_volume(at_token_path, v)) names.emplace(k8s::string_at(&v, "name"));
    }
  }
  // The status annotation of each profile is read once, however many
  // containers claim the profile.
  std::unordered_set<const k8s::SidecarProfile*> read;
  for (const auto& c : pair.live.containers) {
    if (c.profile == nullptr || baseline.counterpart(c) != nullptr) continue;
    if (read.insert(c.profile).second) add_status_volumes(pair.live, *c.profile, names);
    if (const doc::Node* mounts = c.node->get("volumeMounts"); mounts != nullptr && mounts->is_sequence()) {
      for (const auto& m : mounts->items()) names.emplace(k8s::string_at(&m, "name"));
    }
  }
  return names;
}

}  // namespace

bool is_new_version(std::string_view before, std::string_view after) {
  k8s::ImageRef a = k8s::parse_image(before);
  k8s::ImageRef b = k8s::parse_image(after);
  if (a.repository() != b.repository()) return false;
  return a.digest.empty() || a.digest == b.digest;
}

VolumeNames expected_volumes(const PodPair& pair) { return expected_volumes(pair, NameIndex(pair.baseline)); }

void diff_pod(const PodPair& pair, DriftEmitter& out) {
  NameIndex baseline(pair.baseline);
  NameIndex live_names(pair.live);
  VolumeNames expected = expected_volumes(pair, baseline);
  VolumeIndex live_volumes(pair.live);
  for (const auto& live : pair.live.containers) {
    const ContainerView* base = baseline.counterpart(live);
    if (live.kind == ContainerKind::Ephemeral) {
      if (base != nullptr) continue;
      std::string_view target = k8s::string_at(live.node, "targetContainerName");
      out.report(
          DriftRule::EphemeralContainerAdded, rules::CaseName(), live.path, live.node,
          fmt::format("ephemeral container '{}' (image {}){} was added to the running pod{}", live.name,
                      or_none(live.image),
                      target.empty() ? std::string() : fmt::format(" targeting container '{}'", target), pair.note),
          &live);
      continue;
    }
    if (base == nullptr) {
      report_added(pair, live, out);
      continue;
    }
    diff_image(pair, *base, live, out);
    diff_commands(pair, *base, live, out);
    diff_container_security(*base, live, pair.note, out);
    diff_env(*base, live, pair.note, out);
    diff_mounts(*base, live, live_volumes, expected, pair.note, out);
  }
  for (const auto& base : pair.baseline.containers) {
    if (base.kind == ContainerKind::Ephemeral || live_names.find(base.name) != nullptr) continue;
    std::string_view field = k8s::kind_field(base.kind);
    const doc::Node* at = pair.live.spec->get(field);
    out.report(DriftRule::ContainerRemoved, rules::CaseName(),
               at != nullptr ? pair.live.field_path(field) : pair.live.path, at != nullptr ? at : pair.live.spec,
               fmt::format("{} '{}' (image {}) of the manifest is missing{}",
                           base.kind == ContainerKind::Init ? "init container" : "container", base.name,
                           or_none(base.image), pair.note),
               &base);
  }
  diff_pod_security(pair.baseline, pair.live, pair.note, out);
  diff_volumes(pair.baseline, pair.live, expected, pair.note, out);
}

}  // namespace kg::engine::drift
