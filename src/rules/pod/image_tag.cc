#include "k8s/image_ref.h"
#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-021",
    .slug = "image-latest-or-untagged",
    .title = "Container image uses the latest tag or no tag",
    .severity = Severity::Medium,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "latest (which an image without tag or digest means) moves: whoever can push to the repository "
        "decides what the next pod start runs, nodes run different builds of the same manifest, and a review "
        "of the manifest says nothing about the code. A digest pins the content, so image@sha256:... and "
        "image:latest@sha256:... pass. References are parsed as the runtime does: a registry with a port "
        "(localhost:5000/app) is not a tag.",
    .remediation =
        "Reference an immutable version tag, better a digest (image:1.2.3@sha256:...), and let an "
        "automated updater move it through review.",
    .references = {ref::kGateImages, kCompromisedImage, kAttackImplantImage, kAttackSupplyChain},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& c : ctx.pod->containers) {
    k8s::ImageRef image = k8s::parse_image(c.image);
    if (!image.valid || image.pinned() || !image.latest()) continue;
    const doc::Node* node = c.node->get("image");
    std::string message =
        image.implicit_tag
            ? fmt::format("{} image '{}' has no tag or digest, so it runs whatever latest is", describe(c), c.image)
            : fmt::format("{} image '{}' uses the latest tag", describe(c), c.image);
    out.report(c.path + ".image", node, std::move(message), &c);
  }
}

}  // namespace

void register_image_tag(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
