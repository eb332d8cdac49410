#include "rules/image_contents.h"
#include "rules/pod/pod_rules.h"
#include "rules/sc/injector_modes.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-003",
    .slug = "runs-as-root",
    .title = "Container runs as root or may run as root",
    .severity = Severity::High,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "Root in a container is root on the node as far as the kernel is concerned (without user namespaces): "
        "every kernel or runtime escape, every writable hostPath and every mounted device starts with full "
        "rights. Reported when the effective runAsUser (container over pod) is 0, or when neither "
        "runAsNonRoot: true nor a non-zero runAsUser applies, so the image's USER decides, which the manifest "
        "cannot see; when image contents were read (--inspect-images) the finding says what that USER is, and "
        "an image whose USER is a numeric non-root user is reported at medium (it runs as that user today, but "
        "nothing in the spec keeps the next image from running as root). On Windows pods a "
        "windowsOptions.runAsUserName other than ContainerAdministrator also "
        "counts as non-root. A non-root user with the root group (effective runAsGroup: 0) is reported at medium: "
        "it reads and writes every file the image and the mounted volumes leave to group root.",
    .remediation =
        "Set runAsNonRoot: true and a non-zero runAsUser in the pod's securityContext (or each "
        "container's), and build images with a numeric non-root USER.",
    .references = {ref::kRestrictOverPermissive,
                   ref::kPodSecurityStandards,
                   ref::kAttackEscapeToHost,
                   kAttackExploitPrivEsc,
                   {ReferenceKind::Pss, "restricted/runAsNonRoot", "Running as Non-root"},
                   {ReferenceKind::Pss, "restricted/runAsUser", "Running as Non-root user"},
                   {ReferenceKind::Cis, "5.2.7", "Minimize the admission of root containers"},
                   ref::kNsaPodSecurity},
};

bool is_windows_non_admin(const k8s::PodSpecView& pod, const k8s::ContainerView& c) {
  const doc::Node* options = k8s::effective_security_field(pod, c, "windowsOptions");
  std::string_view user = k8s::string_at(options, "runAsUserName");
  return !user.empty() && user != "ContainerAdministrator";
}

// What the image's config says about its user, when a front read it.
ImageContents image_user(const ObjectContext& ctx, const k8s::ContainerView& c) {
  const ImageInspector* inspector = image_inspector(ctx.settings.image_trust);
  if (inspector == nullptr || c.image.empty()) return {};
  const doc::Node* pod = ctx.object.ref.kind == "Pod" ? ctx.object.root : nullptr;
  return inspector->contents(running_image(pod, c.name, c.image));
}

// "1000" or "1000:1000": a user id the kubelet can check against runAsNonRoot.
bool numeric_user(std::string_view user) {
  std::string_view uid = user.substr(0, user.find(':'));
  return !uid.empty() && uid.find_first_not_of("0123456789") == std::string_view::npos;
}

void check(const ObjectContext& ctx, Emitter& out) {
  const bool windows = is_windows_pod(*ctx.pod);
  for (const auto& c : ctx.pod->containers) {
    std::string user_at;
    const doc::Node* user = k8s::effective_security_field(*ctx.pod, c, "runAsUser", &user_at);
    std::optional<int64_t> uid = user != nullptr ? user->as_int() : std::nullopt;
    if (uid == 0) {
      out.report(user_at, user, fmt::format("{} runs as root (runAsUser: 0){}", describe(c), sc::injector_note(c)), &c);
      continue;
    }
    if (uid.has_value()) {
      std::string group_at;
      const doc::Node* group = k8s::effective_security_field(*ctx.pod, c, "runAsGroup", &group_at);
      if (group != nullptr && group->as_int() == 0) {
        out.report(Severity::Medium, group_at, group,
                   fmt::format("{} runs as user {} but with the root group (runAsGroup: 0)", describe(c), *uid), &c);
      }
      continue;
    }
    std::string non_root_at;
    const doc::Node* non_root = k8s::effective_security_field(*ctx.pod, c, "runAsNonRoot", &non_root_at);
    if (is_true(non_root)) continue;
    if (windows && is_windows_non_admin(*ctx.pod, c)) continue;
    if (is_false(non_root)) {
      out.report(non_root_at, non_root,
                 fmt::format("{} may run as root: runAsNonRoot is false and no non-zero runAsUser is set", describe(c)),
                 &c);
    } else {
      Location at = security_context_location(c);
      std::string head =
          fmt::format("{} may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set", describe(c));
      ImageContents image = image_user(ctx, c);
      if (image.status != ImageContentsStatus::Read) {
        out.report(at.path, at.node, head + ", so the image's USER decides", &c);
      } else if (image.user_is_root) {
        out.report(at.path, at.node,
                   fmt::format("{}, and the image runs as root ({})", head,
                               image.user.empty() ? std::string("no USER in its config") : "USER " + image.user),
                   &c);
      } else {
        out.report(numeric_user(image.user) ? Severity::Medium : Severity::High, at.path, at.node,
                   fmt::format("{}; the image's USER {} decides today (not root)", head, image.user), &c);
      }
    }
  }
}

}  // namespace

void register_run_as_root(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
