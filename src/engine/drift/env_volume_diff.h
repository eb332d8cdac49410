// KG-DRIFT-007: environment, volume mounts and volumes. Env values are never
// shown (they may be secrets): a changed value reads "value changed".
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "engine/drift/emit.h"
#include "k8s/pod_spec.h"

namespace kg::engine::drift {

// Volume names the live pod may have beyond the baseline without an edit.
using VolumeNames = std::set<std::string, std::less<>>;

void diff_env(const k8s::ContainerView& baseline, const k8s::ContainerView& live, std::string_view note,
              DriftEmitter& out);

// Mounts of `expected` volumes that the live side adds are not reported.
void diff_mounts(const k8s::ContainerView& baseline, const k8s::ContainerView& live, const k8s::PodSpecView& live_pod,
                 const VolumeNames& expected, std::string_view note, DriftEmitter& out);

void diff_volumes(const k8s::PodSpecView& baseline, const k8s::PodSpecView& live, const VolumeNames& expected,
                  std::string_view note, DriftEmitter& out);

// "hostPath /var/run", "configMap app-config", "emptyDir"...
std::string volume_summary(const doc::Node& volume);

}  // namespace kg::engine::drift
