#include <algorithm>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <fmt/ranges.h>

#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-010",
    .slug = "host-path-volume",
    .title = "Pod mounts a directory or file of the node",
    .severity = Severity::High,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "A hostPath volume reaches past the container onto the node's filesystem. Read-only it still exposes "
        "node secrets (kubelet credentials, other pods' volumes, logs with tokens); writable it lets the pod "
        "plant static pods, cron jobs, SSH keys or binaries the node runs, which is an escape to the host. "
        "The message names the host path and every container that mounts it without readOnly: true.",
    .remediation =
        "Use emptyDir, a ConfigMap, a Secret, a projected or a persistent volume instead. Where a "
        "node agent truly needs the host path, mount the narrowest path with readOnly: true and "
        "suppress the finding with a reason.",
    .references = {ref::kWritableHostPath,
                   ref::kRestrictOverPermissive,
                   ref::kPodSecurityStandards,
                   ref::kAttackEscapeToHost,
                   {ReferenceKind::Pss, "baseline/hostPathVolumes", "HostPath Volumes"},
                   {ReferenceKind::Cis, "5.2.12", "Minimize the admission of HostPath volumes"},
                   ref::kNsaPodSecurity},
};

constexpr size_t kMaxMountsNamed = 8;

// Volume name -> "container 'app' at /host/var/log" for every mount of it
// without readOnly: true. One pass over every mount of the pod, so a pod with
// thousands of volumes and mounts costs their number, not their product.
std::unordered_map<std::string_view, std::vector<std::string>> writable_mounts(const k8s::PodSpecView& pod) {
  std::unordered_map<std::string_view, std::vector<std::string>> out;
  for (const auto& c : pod.containers) {
    const doc::Node* mounts = c.node->get("volumeMounts");
    if (mounts == nullptr || !mounts->is_sequence()) continue;
    for (const auto& m : mounts->items()) {
      if (is_true(m.get("readOnly"))) continue;
      out[k8s::string_at(&m, "name")].push_back(fmt::format("{} at {}", describe(c), k8s::string_at(&m, "mountPath")));
    }
  }
  return out;
}

void check(const ObjectContext& ctx, Emitter& out) {
  const doc::Node* volumes = ctx.pod->spec->get("volumes");
  if (volumes == nullptr || !volumes->is_sequence()) return;
  std::optional<std::unordered_map<std::string_view, std::vector<std::string>>> writable_by;
  size_t index = 0;
  for (const auto& v : volumes->items()) {
    const doc::Node* host_path = v.get("hostPath");
    if (host_path != nullptr && host_path->is_mapping()) {
      std::string_view name = k8s::string_at(&v, "name");
      const doc::Node* path = host_path->get("path");
      std::string field = fmt::format("{}.volumes[{}].hostPath", ctx.pod->path, index);
      std::string message = fmt::format("volume '{}' mounts host path '{}'", name, k8s::string_at(host_path, "path"));
      if (!writable_by) writable_by = writable_mounts(*ctx.pod);
      if (auto it = writable_by->find(name); it != writable_by->end()) {
        // Named mounts are capped: many volumes of one name must not each list every mount.
        const auto& all = it->second;
        size_t shown = std::min(all.size(), kMaxMountsNamed);
        message +=
            fmt::format(", writable by {}", fmt::join(all.begin(), all.begin() + static_cast<ptrdiff_t>(shown), ", "));
        if (all.size() > shown) message += fmt::format(" and {} more", all.size() - shown);
      }
      if (path != nullptr) field += ".path";
      out.report(std::move(field), path != nullptr ? path : host_path, std::move(message));
    }
    ++index;
  }
}

}  // namespace

void register_host_path_volume(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
