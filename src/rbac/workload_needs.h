// The RBAC permissions that run containers of one's choosing: a verb on pods
// and on every controller of pods, from the table of kinds (k8s/kinds.h).
#pragma once

#include <string_view>
#include <vector>

#include "rbac/inject.h"

namespace kg::rbac {

// `verb` on every resource whose objects run pods. Kinds whose pod template
// cannot change once created (Job) only with `with_fixed_templates`: creating
// one runs a pod of one's choosing, patching one does not.
std::vector<Need> workload_needs(std::string_view verb, bool with_fixed_templates);

}  // namespace kg::rbac
