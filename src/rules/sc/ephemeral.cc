#include "rules/sc/sc_rules.h"

namespace kg::rules::sc {
namespace {

const RuleMeta kMeta{
    .id = "KG-SC-009",
    .slug = "ephemeral-container-present",
    .title = "Ephemeral container added to a running pod",
    .severity = Severity::High,
    .family = "SC",
    .kinds = {"Pod"},
    .rationale =
        "kubectl debug (a write to pods/ephemeralcontainers) adds a container to a running pod without "
        "changing its owner: it shares the pod's network, volumes and often its process namespace, and "
        "no Deployment review ever sees it. Outside a sanctioned debugging session it is an intrusion.",
    .remediation =
        "Confirm who added it (audit log, user and time); if it was not a sanctioned debug session, "
        "quarantine the pod and rotate its service-account credentials. Restrict pods/ephemeralcontainers "
        "in RBAC.",
    .references = {ref::kSidecarInjection,
                   {ReferenceKind::ThreatMatrix, "MS-TA9006", "Exec into container"},
                   {ReferenceKind::ThreatMatrix, "MS-M9010", "Restrict Exec Commands on Pods"},
                   {ReferenceKind::Attack, "T1609", "Container Administration Command"}},
};

void check(const ObjectContext& ctx, Emitter& out) {
  if (ctx.object.ref.kind != "Pod") return;
  for (const auto& c : ctx.pod->containers) {
    if (c.kind != k8s::ContainerKind::Ephemeral) continue;
    std::string_view target = k8s::string_at(c.node, "targetContainerName");
    out.report(c.path, c.node,
               fmt::format("ephemeral container '{}' (image {}){}", c.name, c.image.empty() ? "none" : c.image,
                           target.empty() ? std::string() : fmt::format(" targets container '{}'", target)),
               &c);
  }
}

}  // namespace

void register_ephemeral(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::sc
