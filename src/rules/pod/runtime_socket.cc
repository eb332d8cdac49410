#include "rules/pod/host_paths.h"
#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-011",
    .slug = "container-runtime-socket",
    .title = "Pod mounts the container runtime socket",
    .severity = Severity::Critical,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "Whoever can talk to the container runtime (docker, containerd, CRI-O, cri-dockerd, podman) can start "
        "a privileged container with the node's root filesystem mounted, out of the API server's sight: no "
        "admission control, no audit log, no NetworkPolicy. Reported for a hostPath that is a runtime socket, "
        "lies in a runtime's run directory (/run/containerd, /run/crio, /var/run/docker ...), is a runtime's "
        "state directory (/var/lib/docker, /var/lib/containerd, /var/lib/containers), or is a directory that "
        "contains one of those (/, /run, /var/run, /var, /var/lib). Paths are compared after removing repeated "
        "and trailing slashes and resolving . and .. segments. Read-only does not help: connecting to a "
        "socket needs no write permission on the mount.",
    .remediation =
        "Do not mount the runtime socket into workloads. Build images with a daemonless builder "
        "(BuildKit rootless, kaniko, buildah) and read container metadata from the Kubernetes API or "
        "the kubelet instead.",
    .references = {ref::kWritableHostPath,
                   kNewContainer,
                   ref::kRestrictOverPermissive,
                   ref::kPodSecurityStandards,
                   ref::kAttackEscapeToHost,
                   ref::kAttackDeployContainer,
                   {ReferenceKind::Pss, "baseline/hostPathVolumes", "HostPath Volumes"},
                   {ReferenceKind::Cis, "5.2.12", "Minimize the admission of HostPath volumes"},
                   ref::kNsaPodSecurity},
};

void check(const ObjectContext& ctx, Emitter& out) {
  const doc::Node* volumes = ctx.pod->spec->get("volumes");
  if (volumes == nullptr || !volumes->is_sequence()) return;
  size_t index = 0;
  for (const auto& v : volumes->items()) {
    const doc::Node* path = v.find({"hostPath", "path"});
    if (path != nullptr && path->is_scalar()) {
      std::string normalized = normalize_host_path(path->str());
      if (auto endpoint = exposed_runtime_endpoint(normalized)) {
        std::string message =
            normalized == *endpoint
                ? fmt::format("volume '{}' mounts the container runtime endpoint '{}' from the node",
                              k8s::string_at(&v, "name"), path->str())
                : fmt::format(
                      "volume '{}' mounts host path '{}', which exposes the container runtime endpoint "
                      "'{}'",
                      k8s::string_at(&v, "name"), path->str(), *endpoint);
        out.report(fmt::format("{}.volumes[{}].hostPath.path", ctx.pod->path, index), path, std::move(message));
      }
    }
    ++index;
  }
}

}  // namespace

void register_runtime_socket(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
