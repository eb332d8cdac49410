// The SC family: sidecars and injected containers (MS-TA9011 Sidecar injection).
#pragma once

#include <fmt/format.h>

#include "k8s/pod_spec.h"
#include "rules/catalog.h"

namespace kg::rules {
struct GradedRule;  // rules/severity_case.h
}  // namespace kg::rules

namespace kg::rules::sc {

void register_unapproved_sidecar(Catalog& catalog);
// KG-SC-001 with its severity case: the watch raises it on a container a
// change adds to a live object (src/engine/watch/change_monitor.cc).
GradedRule unapproved_sidecar_graded();
void register_impersonation(Catalog& catalog);
void register_sidecar_limits(Catalog& catalog);
void register_more_privileged(Catalog& catalog);
void register_status_mismatch(Catalog& catalog);
void register_signatures(Catalog& catalog);
void register_ephemeral(Catalog& catalog);

// Sidecars: regular containers other than the application, and native sidecars.
inline bool is_sidecar(const k8s::ContainerView& c) {
  return (c.kind == k8s::ContainerKind::Regular && c.role != k8s::ContainerRole::Main) ||
         c.role == k8s::ContainerRole::NativeSidecar ||
         (c.role == k8s::ContainerRole::InjectedSidecar && c.kind == k8s::ContainerKind::Init &&
          c.node->get("restartPolicy") != nullptr && c.node->get("restartPolicy")->str() == "Always");
}

// A profile whose name and image this container has, whatever the status annotation says.
const k8s::SidecarProfile* lookalike_profile(const k8s::ContainerView& c,
                                             std::span<const k8s::SidecarProfile> profiles);

}  // namespace kg::rules::sc
