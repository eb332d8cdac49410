// KG-RBAC-019 on two states of one role or binding (`kubeguard cluster
// watch`, and admission's UPDATE comparison): what a change by hand does to
// Kubernetes' own RBAC objects, and deletions. The other RBAC rules judge
// what a state grants; a delete grants nothing new, nor does a label on a
// built-in role, so they cannot see this.
#pragma once

#include <vector>

#include "engine/config.h"
#include "k8s/object.h"
#include "rules/finding.h"

namespace kg::engine::drift {

// A built-in object (labelled kubernetes.io/bootstrapping=rbac-defaults)
// whose rules, aggregation, role, subjects, labels or annotations changed
// (high; the rules an aggregationRule fills in are the controller's).
void rbac_changed(const k8s::Object& before, const k8s::Object& after, const Config& config,
                  std::vector<rules::Finding>& out);

// A deleted role or binding: high when built in, low otherwise.
void rbac_deleted(const k8s::Object& last, const Config& config, std::vector<rules::Finding>& out);

}  // namespace kg::engine::drift
