#include "rules/img/img_rules.h"

namespace kg::rules::img {
namespace {

const RuleMeta kNotPinned{
    .id = "KG-IMG-002",
    .slug = "image-not-pinned-by-digest",
    .title = "Image not pinned by digest",
    .severity = Severity::Medium,
    .family = "IMG",
    .kinds = {"pod-bearing"},
    .rationale =
        "A tag can be moved to other content at any time; only a digest names exactly what runs. A "
        "hijacked sidecar (S5) often keeps its tag and changes what is behind it. Only a well-formed digest "
        "counts (OCI grammar: sha256 with exactly 64 or sha512 with exactly 128 lower-case hex digits); "
        "@sha256:abc pins nothing.",
    .remediation =
        "Reference the image as repository@sha256:<digest> (tools such as crane digest or the "
        "registry's API give it), and let automation update the digest.",
    .references = {ref::kGateImages,
                   ref::kSidecarInjection,
                   {ReferenceKind::ThreatMatrix, "MS-TA9002", "Compromised image In registry"},
                   {ReferenceKind::Attack, "T1525", "Implant Internal Image"}},
};

const RuleMeta kImplicit{
    .id = "KG-IMG-003",
    .slug = "implicit-image-reference",
    .title = "Image with an implicit registry or tag",
    .severity = Severity::Low,
    .family = "IMG",
    .kinds = {"pod-bearing"},
    .rationale =
        "An image without a registry is pulled from docker.io and one without a tag or digest is "
        "pulled as :latest; both leave the source of the code to defaults that registry mirrors and "
        "typosquatting exploit.",
    .remediation = "Write the full reference: registry, repository and a tag or (better) a digest.",
    .references = {ref::kGateImages, {ReferenceKind::ThreatMatrix, "MS-TA9002", "Compromised image In registry"}},
};

void check_pinned(const ObjectContext& ctx, Emitter& out) {
  for (const auto& c : ctx.pod->containers) {
    if (c.image.empty()) continue;
    k8s::ImageRef ref = k8s::parse_image(c.image);
    if (ref.pinned()) continue;
    if (!ref.digest.empty()) {
      out.report(c.path + ".image", c.node->get("image"),
                 fmt::format("container '{}' ({}) image {} has a malformed digest (the OCI grammar wants sha256 with "
                             "exactly 64, or sha512 with exactly 128, lower-case hex digits): it pins nothing and no "
                             "runtime pulls it",
                             c.name, k8s::role_name(c.role), c.image),
                 &c);
      continue;
    }
    out.report(
        c.path + ".image", c.node->get("image"),
        fmt::format("container '{}' ({}) image {} is not pinned by digest", c.name, k8s::role_name(c.role), c.image),
        &c);
  }
}

void check_implicit(const ObjectContext& ctx, Emitter& out) {
  for (const auto& c : ctx.pod->containers) {
    if (c.image.empty()) continue;
    k8s::ImageRef ref = k8s::parse_image(c.image);
    if (!ref.implicit_registry && !ref.implicit_tag) continue;
    std::string what = ref.implicit_registry && ref.implicit_tag ? "registry (docker.io) and tag (latest)"
                       : ref.implicit_registry                   ? "registry (docker.io)"
                                                                 : "tag (latest)";
    out.report(c.path + ".image", c.node->get("image"),
               fmt::format("container '{}' ({}) image {} leaves the {} implicit", c.name, k8s::role_name(c.role),
                           c.image, what),
               &c);
  }
}

}  // namespace

void register_pinning(Catalog& catalog) {
  catalog.add_pod_rule(kNotPinned, check_pinned);
  catalog.add_pod_rule(kImplicit, check_implicit);
}

}  // namespace kg::rules::img
