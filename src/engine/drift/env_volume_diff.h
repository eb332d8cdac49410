// KG-DRIFT-007: environment, volume mounts and volumes. Env values are never
// shown (they may be secrets): a changed value reads "value changed".
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/drift/emit.h"
#include "k8s/pod_spec.h"

namespace kg::engine::drift {

// Volume names the live pod may have beyond the baseline without an edit.
using VolumeNames = std::set<std::string, std::less<>>;

void diff_env(const k8s::ContainerView& baseline, const k8s::ContainerView& live, std::string_view note,
              DriftEmitter& out);

// The volumes of a pod by name (the first of a name), built once per pod:
// every added mount asks for its volume.
class VolumeIndex {
 public:
  explicit VolumeIndex(const k8s::PodSpecView& pod);
  const doc::Node* find(std::string_view name) const;

 private:
  std::unordered_map<std::string_view, const doc::Node*> by_name_;
};

// Mounts of `expected` volumes that the live side adds are not reported.
void diff_mounts(const k8s::ContainerView& baseline, const k8s::ContainerView& live, const VolumeIndex& live_volumes,
                 const VolumeNames& expected, std::string_view note, DriftEmitter& out);

void diff_volumes(const k8s::PodSpecView& baseline, const k8s::PodSpecView& live, const VolumeNames& expected,
                  std::string_view note, DriftEmitter& out);

// "hostPath /var/run", "configMap app-config", "emptyDir"...
std::string volume_summary(const doc::Node& volume);

}  // namespace kg::engine::drift
