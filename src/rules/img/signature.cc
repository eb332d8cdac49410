// The signature rules: what the supply-chain verifier (src/supply) says about
// each container's image, when a front asked for verification. On a live Pod
// the image that runs is the digest in its container status's imageID.
#include <algorithm>

#include "rules/img/img_rules.h"

namespace kg::rules::img {
namespace {

// No inactive notice: without --verify-images (or serve --verify-images) the
// rules have no verifier and report nothing, and a scan of manifests never
// mentions registries it was not asked to contact.

const std::vector<Reference> kRefs = {ref::kGateImages,
                                      ref::kSidecarInjection,
                                      {ReferenceKind::ThreatMatrix, "MS-TA9002", "Compromised image In registry"},
                                      {ReferenceKind::Attack, "T1525", "Implant Internal Image"}};

const RuleMeta kUnsigned{
    .id = "KG-IMG-005",
    .slug = "image-unsigned",
    .title = "Image without a signature its policy requires",
    .severity = Severity::High,
    .family = "IMG",
    .kinds = {"pod-bearing"},
    .rationale =
        "An image policy in .kubeguard.yaml says images from this repository must be signed with cosign; "
        "this digest has no signature at all, so nothing ties it to the build the team trusts. An injected "
        "sidecar or a swapped image is usually unsigned.",
    .remediation =
        "Sign the image in the build pipeline (cosign sign --key ... IMAGE@DIGEST) or deploy the digest that "
        "the pipeline signed.",
    .references = kRefs,
};

const RuleMeta kUntrusted{
    .id = "KG-IMG-006",
    .slug = "image-untrusted-signer",
    .title = "Image signed, but not by a key or identity the policy trusts",
    .severity = Severity::High,
    .family = "IMG",
    .kinds = {"pod-bearing"},
    .rationale =
        "The image carries cosign signatures, but none verifies with the policy's keys or comes from a "
        "certificate of a trusted root and identity, or the signed payload names another digest. Anyone "
        "who can push to the registry can add a signature; only the trusted signer counts.",
    .remediation =
        "Deploy an image signed by the trusted key or identity, or add the signer to the policy if it is "
        "legitimately yours.",
    .references = kRefs,
};

const RuleMeta kMismatch{
    .id = "KG-IMG-007",
    .slug = "image-tag-digest-mismatch",
    .title = "Tag resolves to another digest than the one pinned",
    .severity = Severity::High,
    .family = "IMG",
    .kinds = {"pod-bearing"},
    .rationale =
        "The reference writes both a tag and a digest, and the registry's tag now names other content: "
        "the tag was moved (re-tagged), so the tag a reader sees no longer says what runs.",
    .remediation =
        "Find out who moved the tag; deploy by the digest that was reviewed and signed, and keep tags "
        "immutable in the registry.",
    .references = kRefs,
};

const RuleMeta kUnverifiable{
    .id = "KG-IMG-008",
    .slug = "image-unverifiable",
    .title = "Image could not be verified (registry unreachable or image missing)",
    .severity = Severity::High,
    .family = "IMG",
    .kinds = {"pod-bearing"},
    .rationale =
        "An image policy applies, but the registry could not be reached, refused the credentials, or does "
        "not have the image; an unverified image is reported, never passed silently.",
    .remediation =
        "Check registryAuth (credentials, CA file) and the reference; if the image was deleted, the workload "
        "runs something the registry no longer vouches for.",
    .references = kRefs,
};

const RuleMeta kDigestRequired{
    .id = "KG-IMG-009",
    .slug = "image-digest-required",
    .title = "Image policy requires a digest and the reference has none",
    .severity = Severity::Medium,
    .family = "IMG",
    .kinds = {"pod-bearing"},
    .rationale =
        "The policy sets requireDigest: a signed tag can be moved to other signed content (an older, "
        "vulnerable build), only the digest names exactly what was reviewed.",
    .remediation = "Reference the image as repository@sha256:<digest>.",
    .references = kRefs,
};

void check_status(const ObjectContext& ctx, Emitter& out, std::initializer_list<ImageTrustStatus> statuses) {
  const ImageTrust* trust = ctx.settings.image_trust;
  if (trust == nullptr) return;
  for (const auto& c : ctx.pod->containers) {
    if (c.image.empty()) continue;
    std::string image = running_image_of(ctx, c);
    ImageVerdict v = trust->verdict(image);
    if (std::find(statuses.begin(), statuses.end(), v.status) == statuses.end()) continue;
    std::string runs = image == c.image ? std::string() : fmt::format(" (running {})", image);
    std::string digest =
        v.digest.empty() || image.find(v.digest) != std::string::npos ? std::string() : fmt::format(" ({})", v.digest);
    out.report(c.path + ".image", c.node->get("image"),
               fmt::format("container '{}' ({}) image {}{}{}: {} [policy {}]", c.name, k8s::role_name(c.role), c.image,
                           runs, digest, v.reason, v.policy),
               &c);
  }
}

void check_unsigned(const ObjectContext& ctx, Emitter& out) { check_status(ctx, out, {ImageTrustStatus::Unsigned}); }
void check_untrusted(const ObjectContext& ctx, Emitter& out) { check_status(ctx, out, {ImageTrustStatus::Untrusted}); }
void check_mismatch(const ObjectContext& ctx, Emitter& out) {
  check_status(ctx, out, {ImageTrustStatus::DigestMismatch});
}
void check_unverifiable(const ObjectContext& ctx, Emitter& out) {
  check_status(ctx, out, {ImageTrustStatus::Unreachable, ImageTrustStatus::Missing, ImageTrustStatus::Invalid});
}
void check_digest_required(const ObjectContext& ctx, Emitter& out) {
  check_status(ctx, out, {ImageTrustStatus::DigestRequired});
}

}  // namespace

void register_signature(Catalog& catalog) {
  catalog.add_pod_rule(kUnsigned, check_unsigned);
  catalog.add_pod_rule(kUntrusted, check_untrusted);
  catalog.add_pod_rule(kMismatch, check_mismatch);
  catalog.add_pod_rule(kUnverifiable, check_unverifiable);
  catalog.add_pod_rule(kDigestRequired, check_digest_required);
}

}  // namespace kg::rules::img
