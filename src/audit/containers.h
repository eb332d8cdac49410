// What the detections compare across writes: the containers of a pod or pod
// template (name, kind, image, command and args), and what a patch body says
// about them when the earlier state of the object is not known.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "doc/node.h"
#include "k8s/pod_spec.h"
#include "k8s/sidecar_profile.h"

namespace kg::audit {

struct ContainerSummary {
  std::string name;
  k8s::ContainerKind kind = k8s::ContainerKind::Regular;
  std::string image;
  std::string command;    // command and args, joined with spaces (not redacted: redact before showing)
  bool approved = false;  // an approved sidecar profile explains it (name, repository, injector annotation)
  std::string profile;    // that profile's name
};

struct PodShape {
  std::vector<ContainerSummary> containers;
  std::string service_account;  // spec.serviceAccountName ("default" when unset)

  const ContainerSummary* find(std::string_view name, k8s::ContainerKind kind) const;
};

// The containers of `object` (a Pod or any workload kind), roles decided by
// `profiles`; nullopt when the object carries no pod spec.
std::optional<PodShape> pod_shape(const doc::Node& object, std::string_view kind,
                                  std::span<const k8s::SidecarProfile> profiles);

enum class ChangeKind : uint8_t { Added, ImageChanged, CommandChanged, Written };

struct ContainerChange {
  ChangeKind change = ChangeKind::Added;
  std::string name;
  k8s::ContainerKind kind = k8s::ContainerKind::Regular;
  std::string old_value;  // image or command before (empty for Added / Written)
  std::string new_value;  // image or command after
  bool approved = false;  // the container after the change is an approved sidecar
  std::string profile;
};

// Containers added, images and commands changed between two shapes of one object.
std::vector<ContainerChange> compare_shapes(const PodShape& before, const PodShape& after);

// Containers present in `stored` and absent from `requested` (added at admission).
std::vector<ContainerChange> added_at_admission(const PodShape& requested, const PodShape& stored);

// What a patch body says about containers when the earlier state is unknown:
// a JSON patch (array of operations) adding to a containers list or replacing
// image/command/args; a strategic-merge, merge or apply patch naming
// containers (Written: added or changed, the log cannot tell). `after` is the
// stored object's shape (for the images and commands now in place).
std::vector<ContainerChange> interpret_patch(const doc::Node& patch, const PodShape* after);

// True when a patch or request body touches the pod spec (containers,
// volumes, host namespaces...) rather than only metadata or replicas.
bool touches_pod_spec(const doc::Node& body);

}  // namespace kg::audit
