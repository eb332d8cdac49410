// What an UPDATE changes that admission refuses whatever the new object looks
// like on its own: the drift comparison of oldObject (as the baseline) with
// object, narrowed to the changes sidecar injection makes (S1, S2, S3, S5).
// Rollouts stay possible: a new tag of the same repository, a changed
// environment, a changed command of an application container are not reported.
#pragma once

#include <vector>

#include "engine/config.h"
#include "k8s/object.h"
#include "rules/finding.h"

namespace kg::admission {

void diff_update(const k8s::Object& old_object, const k8s::Object& object, const engine::Config& config,
                 std::vector<rules::Finding>& out);

}  // namespace kg::admission
