#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "rules/sc/injector_modes.h"
#include "rules/sc/sc_rules.h"

namespace kg::rules::sc {
namespace {

const RuleMeta kMeta{
    .id = "KG-SC-004",
    .slug = "sidecar-more-privileged-than-main",
    .title = "Sidecar holds privileges the application container does not",
    .severity = Severity::High,
    .family = "SC",
    .kinds = {"pod-bearing"},
    .rationale =
        "A helper container rarely needs more power than the application it serves. A sidecar that is "
        "privileged, adds capabilities, runs as UID 0, mounts host paths or more secrets than the "
        "application is where an injected container would put itself. Host namespaces are set for the "
        "whole pod, so they cannot differ between containers and are covered by KG-POD-007..009. An approved "
        "injector's container is judged the same way: when its privilege comes from the injector's documented "
        "mode (istio's or linkerd's iptables setup without their CNI plugin: root with NET_ADMIN and NET_RAW), "
        "the finding says so, since the fix is the injector's other mode rather than an edit of the pod.",
    .remediation =
        "Give the sidecar only what it needs: drop the privilege, the capabilities, the host mounts "
        "and the secret mounts it does not use, and run it as a non-root UID.",
    .references = {ref::kSidecarInjection, ref::kRestrictOverPermissive, ref::kLeastPrivilege,
                   ref::kAttackEscapeToHost},
};

struct Privileges {
  bool privileged = false;
  bool root = false;
  std::set<std::string> added_capabilities;
  std::set<std::string> host_paths;
  std::set<std::string> secret_volumes;
};

std::string normalised_capability(std::string_view cap) {
  std::string out(cap);
  for (auto& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (out.rfind("CAP_", 0) == 0) out.erase(0, 4);
  return out;
}

// The pod's volumes by name (the first of a name: the API server refuses
// duplicates), so each mount finds its volume without a walk of them all.
using VolumesByName = std::unordered_map<std::string_view, const doc::Node*>;

VolumesByName volumes_by_name(const k8s::PodSpecView& pod) {
  VolumesByName out;
  const doc::Node* volumes = pod.spec->get("volumes");
  if (volumes == nullptr || !volumes->is_sequence()) return out;
  for (const auto& v : volumes->items()) out.try_emplace(k8s::string_at(&v, "name"), &v);
  return out;
}

Privileges privileges_of(const k8s::PodSpecView& pod, const VolumesByName& volumes, const k8s::ContainerView& c) {
  Privileges p;
  const doc::Node* privileged = c.node->find({"securityContext", "privileged"});
  p.privileged = privileged != nullptr && privileged->as_bool().value_or(false);
  const doc::Node* uid = k8s::effective_security_field(pod, c, "runAsUser");
  const doc::Node* non_root = k8s::effective_security_field(pod, c, "runAsNonRoot");
  p.root =
      (uid != nullptr && uid->as_int() == 0) || (uid == nullptr && non_root != nullptr && non_root->as_bool() == false);
  if (const doc::Node* add = c.node->find({"securityContext", "capabilities", "add"})) {
    for (const auto& cap : add->items()) p.added_capabilities.insert(normalised_capability(cap.str()));
  }
  const doc::Node* mounts = c.node->get("volumeMounts");
  if (mounts == nullptr) return p;
  std::unordered_set<std::string_view> seen;
  for (const auto& m : mounts->items()) {
    std::string_view name = k8s::string_at(&m, "name");
    auto it = volumes.find(name);
    if (it == volumes.end() || !seen.insert(name).second) continue;
    const doc::Node& v = *it->second;
    if (const doc::Node* host = v.get("hostPath")) p.host_paths.insert(std::string(k8s::string_at(host, "path")));
    if (v.get("secret") != nullptr) p.secret_volumes.insert(std::string(name));
    if (const doc::Node* sources = v.find({"projected", "sources"})) {
      for (const auto& source : sources->items()) {
        if (source.get("secret") != nullptr) p.secret_volumes.insert(std::string(name));
      }
    }
  }
  return p;
}

template <typename T>
std::vector<T> beyond(const std::set<T>& sidecar, const std::set<T>& main) {
  std::vector<T> out;
  for (const auto& x : sidecar) {
    if (!main.contains(x)) out.push_back(x);
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

void check(const ObjectContext& ctx, Emitter& out) {
  const k8s::ContainerView* main = nullptr;
  for (const auto& c : ctx.pod->containers) {
    if (c.role == k8s::ContainerRole::Main) main = &c;
  }
  if (main == nullptr) return;
  VolumesByName volumes = volumes_by_name(*ctx.pod);
  Privileges app = privileges_of(*ctx.pod, volumes, *main);
  for (const auto& c : ctx.pod->containers) {
    if (!is_sidecar(c)) continue;
    Privileges side = privileges_of(*ctx.pod, volumes, c);
    std::vector<std::string> extra;
    if (side.privileged && !app.privileged) extra.emplace_back("privileged");
    if (side.root && !app.root) extra.emplace_back("runs as UID 0");
    if (auto caps = beyond(side.added_capabilities, app.added_capabilities); !caps.empty()) {
      extra.push_back("capabilities " + join(caps));
    }
    if (auto paths = beyond(side.host_paths, app.host_paths); !paths.empty()) {
      extra.push_back("host paths " + join(paths));
    }
    if (side.secret_volumes.size() > app.secret_volumes.size()) {
      extra.push_back(
          fmt::format("{} secret volumes (application: {})", side.secret_volumes.size(), app.secret_volumes.size()));
    }
    if (extra.empty()) continue;
    if (std::string_view mode = injector_documented_mode(c); !mode.empty()) {
      out.report(c.path, c.node,
                 fmt::format("sidecar '{}' ({}) of the approved injector {} has more privilege than the application "
                             "container '{}': {}; this is {}",
                             c.name, k8s::role_name(c.role), c.profile->injector, main->name, join(extra), mode),
                 &c);
      continue;
    }
    out.report(c.path, c.node,
               fmt::format("sidecar '{}' ({}) has more privilege than the application container '{}': {}", c.name,
                           k8s::role_name(c.role), main->name, join(extra)),
               &c);
  }
}

}  // namespace

void register_more_privileged(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::sc
