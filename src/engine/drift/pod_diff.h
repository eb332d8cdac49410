// A live pod spec against the one it should match, container by container
// (matched by name). What the API server and approved injectors add is not a
// difference: the service-account token volume, defaulted fields (never
// compared), and the containers, volumes and mounts of approved sidecars.
#pragma once

#include <span>
#include <string_view>

#include "engine/drift/emit.h"
#include "engine/drift/env_volume_diff.h"
#include "k8s/pod_spec.h"
#include "k8s/sidecar_profile.h"

namespace kg::engine::drift {

struct PodPair {
  const k8s::PodSpecView& baseline;  // the manifest, or the live owner's template
  const k8s::PodSpecView& live;
  // Appended to each message when the live object is compared with something
  // other than its own manifest, e.g. " (against live ReplicaSet shop/web-5d9c)".
  std::string_view note;
  std::span<const k8s::SidecarProfile> profiles;
};

void diff_pod(const PodPair& pair, DriftEmitter& out);

// Volumes the live pod has beyond the baseline that nobody edited in: the
// service-account token volume and the volumes of approved injected sidecars
// (mounted by them, or listed in the injector's status annotation).
VolumeNames expected_volumes(const PodPair& pair);

// A new version of the same image: the same repository, and no digest the
// old image was pinned to moved or was dropped. Written to a controller's
// template, that is a rollout (admission lets it through, the watch does not
// call it drift); another repository or another digest runs other code.
bool is_new_version(std::string_view before, std::string_view after);

}  // namespace kg::engine::drift
