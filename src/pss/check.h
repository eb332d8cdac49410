// What one Pod Security Standards check says about a pod: allowed, or a
// failure worded as upstream words it, with the fields that caused it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/node.h"
#include "k8s/pod_spec.h"

namespace kg::pss {

// One offending field: where the fix goes. `node` is the field itself, or its
// nearest existing parent when the fix is to add a field that is missing.
struct Field {
  std::string path;  // relative to the object, e.g. "spec.containers[0].securityContext.privileged"
  const doc::Node* node = nullptr;
  const k8s::ContainerView* container = nullptr;  // points into the PodSpecView evaluated; null for pod fields
};

struct CheckFailure {
  std::string_view check;  // upstream check ID, e.g. "capabilities_restricted"
  std::string reason;      // upstream's ForbiddenReason, e.g. "unrestricted capabilities"
  std::string detail;      // upstream's ForbiddenDetail; may be empty
  std::vector<Field> fields;
};

// nullopt when the check allows the pod.
using CheckResult = std::optional<CheckFailure>;
using CheckFn = CheckResult (*)(const k8s::PodSpecView& pod);

}  // namespace kg::pss
