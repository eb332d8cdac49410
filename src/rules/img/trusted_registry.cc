#include "rules/img/img_rules.h"

namespace kg::rules::img {
namespace {

std::string_view inactive_reason(const Settings& settings) {
  return settings.trusted_registries.empty()
             ? "no trustedRegistries configured in .kubeguard.yaml, so image sources are not checked"
             : std::string_view();
}

const RuleMeta kMeta{
    .id = "KG-IMG-001",
    .slug = "untrusted-registry",
    .title = "Image from a registry that is not trusted",
    .severity = Severity::High,
    .family = "IMG",
    .kinds = {"pod-bearing"},
    .rationale =
        "Images only from a trusted, gated supply chain (MS-M9005.003) stop the easiest form of "
        "sidecar injection: pointing a container at an attacker's image. The rule needs the list of "
        "trusted registries (trustedRegistries in .kubeguard.yaml); without one it reports nothing and "
        "the scan says so once.",
    .remediation =
        "Pull the image through a trusted registry (mirror it), or add the registry to "
        "trustedRegistries if it is one the organisation controls.",
    .references = {ref::kGateImages,
                   ref::kSidecarInjection,
                   {ReferenceKind::ThreatMatrix, "MS-TA9002", "Compromised image In registry"},
                   {ReferenceKind::Attack, "T1525", "Implant Internal Image"}},
    .inactive_reason = inactive_reason,
};

void check(const ObjectContext& ctx, Emitter& out) {
  const auto& trusted = ctx.settings.trusted_registries;
  if (trusted.empty()) return;
  for (const auto& c : ctx.pod->containers) {
    if (c.image.empty()) continue;
    k8s::ImageRef ref = k8s::parse_image(c.image);
    if (is_trusted(ref.repository(), trusted)) continue;
    out.report(c.path + ".image", c.node->get("image"),
               fmt::format("container '{}' ({}) pulls {} from {}, which is not a trusted registry", c.name,
                           k8s::role_name(c.role), c.image, ref.registry),
               &c);
  }
}

}  // namespace

void register_trusted_registry(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::img
