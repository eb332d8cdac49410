// The pod spec inside every workload kind, and its containers with their roles.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "k8s/object.h"
#include "k8s/sidecar_profile.h"

namespace kg::k8s {

enum class ContainerKind : uint8_t { Regular, Init, Ephemeral };

enum class ContainerRole : uint8_t {
  Main,             // the application: first container, or kubectl.kubernetes.io/default-container
  Init,             // runs to completion before the others
  NativeSidecar,    // init container with restartPolicy: Always
  InjectedSidecar,  // matched to an approved sidecar profile
  Extra,            // another regular container that no profile explains
  Ephemeral,        // added to a running pod (kubectl debug)
};

std::string_view role_name(ContainerRole role);
std::string_view kind_field(ContainerKind kind);  // "containers", "initContainers", "ephemeralContainers"

struct ContainerView {
  const doc::Node* node = nullptr;
  std::string_view name;
  std::string_view image;
  ContainerKind kind = ContainerKind::Regular;
  ContainerRole role = ContainerRole::Main;
  size_t index = 0;
  std::string path;                              // e.g. "spec.template.spec.containers[1]"
  const SidecarProfile* profile = nullptr;       // the approved profile this container matches
  const SidecarProfile* impersonates = nullptr;  // a profile whose container name it takes with a foreign image
};

struct PodSpecView {
  const doc::Node* spec = nullptr;      // the PodSpec mapping
  const doc::Node* metadata = nullptr;  // the pod's (or pod template's) metadata; may be null
  // A CronJob's job template metadata: some injectors (istioctl kube-inject)
  // write their status annotation there instead of on the pod template.
  const doc::Node* outer_metadata = nullptr;
  std::string path;           // path of the PodSpec inside the object, e.g. "spec.template.spec"
  std::string metadata_path;  // e.g. "spec.template.metadata"
  std::vector<ContainerView> containers;

  std::string field_path(std::string_view field) const { return path + "." + std::string(field); }
  std::string_view pod_annotation(std::string_view key) const;
};

// Kinds whose objects carry a pod spec.
bool is_pod_bearing_kind(std::string_view kind);
// Controllers that own pods through a template (everything pod-bearing but Pod and PodTemplate).
bool is_workload_kind(std::string_view kind);

// The pod spec of a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
// ReplicationController, Job, CronJob or PodTemplate; nullopt otherwise.
// Containers get their roles; `profiles` decides which are approved sidecars
// (the profiles must outlive the view).
std::optional<PodSpecView> pod_spec_of(const Object& object, std::span<const SidecarProfile> profiles = {});

// What an injector's status annotation says it injected, when it lists names
// (istio's sidecar.istio.io/status). Empty lists when absent or unreadable.
struct InjectorStatus {
  bool present = false;
  std::vector<std::string> containers;
  std::vector<std::string> init_containers;
};
InjectorStatus injector_status(const PodSpecView& pod, const SidecarProfile& profile);

// Field of the effective security context: the container's value when set,
// else the pod's. `where` receives the path of the value that applies.
const doc::Node* effective_security_field(const PodSpecView& pod, const ContainerView& container,
                                          std::string_view field, std::string* where = nullptr);

}  // namespace kg::k8s
