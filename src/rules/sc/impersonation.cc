#include "rules/sc/sc_rules.h"

namespace kg::rules::sc {
namespace {

const RuleMeta kMeta{
    .id = "KG-SC-002",
    .slug = "sidecar-impersonation",
    .title = "Container takes an approved sidecar's name with a foreign image",
    .severity = Severity::Critical,
    .family = "SC",
    .kinds = {"pod-bearing"},
    .rationale =
        "Naming a container istio-proxy or linkerd-proxy is the cheapest disguise for an injected "
        "container: reviewers and dashboards skip the mesh sidecar. A profile's container name with an "
        "image from another repository is an impersonation, not an approval.",
    .remediation =
        "Find out who changed the container (audit log, GitOps history); restore the injector's image "
        "or remove the container. If the image is a legitimate mirror, add its repository to the "
        "profile in .kubeguard.yaml.",
    .references = {ref::kSidecarInjection,
                   ref::kGateImages,
                   ref::kAttackDeployContainer,
                   {ReferenceKind::ThreatMatrix, "MS-TA9023", "Pod or container name similarity"},
                   {ReferenceKind::Attack, "T1036.005", "Masquerading: Match Legitimate Name or Location"}},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& c : ctx.pod->containers) {
    if (c.impersonates == nullptr) continue;
    const doc::Node* image = c.node->get("image");
    out.report(c.path + ".image", image != nullptr ? image : c.node,
               fmt::format("container '{}' has the name of the {} sidecar but runs {}, not an image of {}", c.name,
                           c.impersonates->name, c.image.empty() ? "no image" : c.image, c.impersonates->injector),
               &c);
  }
}

}  // namespace

void register_impersonation(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::sc
