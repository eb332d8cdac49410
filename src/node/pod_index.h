// The pods of a node, by container ID and pod UID, so a process found in a
// container's cgroup can be named by its pod, container, image and role.
// Filled from pod objects (a file of `kubectl get pods -o yaml`, or the API
// server): status.containerStatuses[].containerID gives the container IDs.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "k8s/sidecar_profile.h"

namespace kg::node {

struct PodRef {
  std::string name_space;
  std::string name;
  std::string uid;
};

struct ContainerInfo {
  PodRef pod;
  std::string name;
  std::string image;
  k8s::ContainerRole role = k8s::ContainerRole::Main;
  std::string profile;  // the approved sidecar profile it matches; "" for none
  // Programs (base names) the pod spec itself starts in this container:
  // command[0], lifecycle hooks and exec probes.
  std::vector<std::string> declared_programs;
};

class PodIndex {
 public:
  // Adds a Pod object; other kinds are ignored. Returns the containers added.
  size_t add(const k8s::Object& pod, std::span<const k8s::SidecarProfile> profiles);

  const ContainerInfo* container(std::string_view container_id) const;
  const PodRef* pod(std::string_view uid) const;
  size_t pods() const { return pods_.size(); }

 private:
  std::map<std::string, ContainerInfo, std::less<>> containers_;
  std::map<std::string, PodRef, std::less<>> pods_;
};

// "containerd://<id>" -> "<id>".
std::string_view strip_runtime_scheme(std::string_view container_id);

}  // namespace kg::node
