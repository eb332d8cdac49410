// Which container and pod a process belongs to, read from its cgroup path
// (/proc/PID/cgroup). The kubelet names pod cgroups after the pod's UID and
// the runtime names the container's after its ID, in one of these layouts:
//   systemd driver   /kubepods.slice/kubepods-burstable.slice/
//                    kubepods-burstable-pod<uid with _>.slice/cri-containerd-<id>.scope
//                    (crio-<id>.scope for CRI-O, docker-<id>.scope for Docker)
//   cgroupfs driver  /kubepods/burstable/pod<uid>/<id>
// cgroup v1 lists one line per hierarchy, v2 one "0::" line; any line that
// names a container decides.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kg::node {

struct ContainerIdentity {
  std::string runtime;       // "containerd", "cri-o", "docker", or "" when the layout does not say
  std::string container_id;  // 64 hex digits
  std::string pod_uid;       // "" for a container outside Kubernetes (plain Docker)
  std::string qos;           // "guaranteed", "burstable", "besteffort"; "" when unknown
  std::string cgroup;        // the path it was read from
};

// nullopt for a process that is not in a container (the host, a kubelet, ...).
std::optional<ContainerIdentity> container_of_cgroup(std::string_view proc_cgroup);

}  // namespace kg::node
