// KG-DRIFT-005: security settings of a container and of its pod, rated by
// whether the change makes the pod more permissive.
#pragma once

#include <string_view>

#include "engine/drift/canonical.h"
#include "engine/drift/emit.h"
#include "k8s/pod_spec.h"

namespace kg::engine::drift {

// KG-DRIFT-005's severity case of one change: "" (the rule's own, high) when
// it opens something (privileged, capabilities, user 0, host namespaces...);
// "service-account" for another account or its token mounted again;
// "not-weakened" for anything else.
rules::CaseName rate_security_change(const FlatChange& change);

void diff_container_security(const k8s::ContainerView& baseline, const k8s::ContainerView& live, std::string_view note,
                             DriftEmitter& out);

void diff_pod_security(const k8s::PodSpecView& baseline, const k8s::PodSpecView& live, std::string_view note,
                       DriftEmitter& out);

}  // namespace kg::engine::drift
