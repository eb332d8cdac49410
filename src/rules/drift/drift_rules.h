// The DRIFT family: differences between the desired state (manifests) and the
// live state (what `kubectl get -o yaml` prints). These rules need two inputs,
// so the catalog holds only their metadata and `kubeguard diff` evaluates them.
#pragma once

#include <cstdint>

#include "rules/catalog.h"
#include "rules/severity_case.h"

namespace kg::rules::drift {

enum class DriftRule : uint8_t {
  ContainerAdded,           // KG-DRIFT-001
  ImageChanged,             // KG-DRIFT-002
  CommandChanged,           // KG-DRIFT-003
  EphemeralContainerAdded,  // KG-DRIFT-004
  SecurityContextChanged,   // KG-DRIFT-005
  ContainerRemoved,         // KG-DRIFT-006
  EnvOrMountsChanged,       // KG-DRIFT-007
  ObjectOnlyInLive,         // KG-DRIFT-008
};

inline constexpr DriftRule kAllDriftRules[] = {
    DriftRule::ContainerAdded,          DriftRule::ImageChanged,           DriftRule::CommandChanged,
    DriftRule::EphemeralContainerAdded, DriftRule::SecurityContextChanged, DriftRule::ContainerRemoved,
    DriftRule::EnvOrMountsChanged,      DriftRule::ObjectOnlyInLive,
};

const RuleMeta& meta(DriftRule rule);
// Its metadata with the severity cases the comparison names (src/engine/drift).
GradedRule graded(DriftRule rule);

}  // namespace kg::rules::drift
