// The contents rules: what is inside each container's image (shells, package
// managers, setuid and setgid files), read from its registry when a front
// asked for it (--inspect-images). Without that they report nothing.
#include "rules/image_contents.h"
#include "rules/img/img_rules.h"

namespace kg::rules::img {
namespace {

const std::vector<Reference> kRefs = {
    ref::kGateImages,
    {ReferenceKind::Attack, "T1059.004", "Command and Scripting Interpreter: Unix Shell"},
    {ReferenceKind::Attack, "T1548.001", "Abuse Elevation Control: Setuid and Setgid"}};

const RuleMeta kShell{
    .id = "KG-IMG-010",
    .slug = "image-contains-shell",
    .title = "Image contains a shell",
    .severity = Severity::Medium,
    .family = "IMG",
    .kinds = {"pod-bearing"},
    .rationale =
        "A shell in the image (sh, bash, ash, dash, zsh, busybox ...) is what `kubectl exec` and nearly every "
        "post-exploitation step need: an attacker with code execution in the application gets an interpreter, "
        "a one-line download-and-run and job control for free. Images built for production (distroless, "
        "scratch) leave it out. Reported only when image contents were read (--inspect-images); a symbolic "
        "link counts when its target exists in the image.",
    .remediation =
        "Build the image on a distroless or scratch base, or remove the shell in the last stage; debug with "
        "`kubectl debug` and an ephemeral container instead.",
    .references = kRefs,
};

const RuleMeta kPackageManager{
    .id = "KG-IMG-011",
    .slug = "image-contains-package-manager",
    .title = "Image contains a package manager",
    .severity = Severity::Low,
    .family = "IMG",
    .kinds = {"pod-bearing"},
    .rationale =
        "A package manager (apt, dpkg, apk, yum, dnf, rpm, pip ...) left in a running image lets whoever gets "
        "in install tools (scanners, miners, compilers) in seconds, and marks an image that was not trimmed to "
        "what it runs. Reported only when image contents were read (--inspect-images).",
    .remediation =
        "Use a multi-stage build: install in a build stage and copy only the application into the final one.",
    .references = kRefs,
};

const RuleMeta kSetuid{
    .id = "KG-IMG-012",
    .slug = "image-setuid-files",
    .title = "Image contains setuid or setgid files",
    .severity = Severity::Medium,
    .family = "IMG",
    .kinds = {"pod-bearing"},
    .rationale =
        "A setuid or setgid file runs with its owner's or group's rights whoever starts it: the classic "
        "way from an unprivileged process to root inside the container (su, mount, passwd, a vulnerable "
        "helper), and from there to every hostPath and capability the pod holds. Containers rarely need "
        "one. Reported only when image contents were read (--inspect-images).",
    .remediation =
        "Remove the setuid and setgid bits in the image build (chmod a-s), and set allowPrivilegeEscalation: "
        "false so the kernel ignores them (no_new_privs).",
    .references = kRefs,
};

const RuleMeta kUnread{
    .id = "KG-IMG-013",
    .slug = "image-contents-unreadable",
    .title = "Image contents could not be read within the limits",
    .severity = Severity::Medium,
    .family = "IMG",
    .kinds = {"pod-bearing"},
    .rationale =
        "Image contents were asked for (--inspect-images), but the registry, a malformed layer, or one of "
        "the limits (compressed or unpacked bytes, entries, time) stopped the reading; what the image holds "
        "is unknown, and that is reported, never passed as clean.",
    .remediation =
        "Check the reason: raise the limit it names (--inspect-max-download, --inspect-max-unpacked, "
        "--inspect-max-entries, --inspect-timeout) if the image is legitimately large, fix registryAuth, or find "
        "out why the layer is malformed.",
    .references = {ref::kGateImages},
};

std::string listed(const std::vector<std::string>& items) {
  constexpr size_t kShown = 5;
  std::string out;
  for (size_t i = 0; i < items.size() && i < kShown; ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  if (items.size() > kShown) out += fmt::format(" (and {} more)", items.size() - kShown);
  return out;
}

// Runs `report` for each container whose image contents the front read.
template <typename Report>
void each_read(const ObjectContext& ctx, Emitter& out, ImageContentsStatus wanted, Report report) {
  const ImageInspector* inspector = image_inspector(ctx.settings.image_trust);
  if (inspector == nullptr) return;
  for (const auto& c : ctx.pod->containers) {
    if (c.image.empty()) continue;
    std::string image = running_image_of(ctx, c);
    ImageContents contents = inspector->contents(image);
    if (contents.status != wanted) continue;
    std::string what = fmt::format("container '{}' ({}) image {}", c.name, k8s::role_name(c.role), image);
    if (auto message = report(contents, what); !message.empty()) {
      out.report(c.path + ".image", c.node->get("image"), std::move(message), &c);
    }
  }
}

void check_shell(const ObjectContext& ctx, Emitter& out) {
  each_read(ctx, out, ImageContentsStatus::Read, [](const ImageContents& ic, const std::string& what) {
    return ic.shells.empty() ? std::string() : fmt::format("{} contains a shell: {}", what, listed(ic.shells));
  });
}

void check_package_manager(const ObjectContext& ctx, Emitter& out) {
  each_read(ctx, out, ImageContentsStatus::Read, [](const ImageContents& ic, const std::string& what) {
    return ic.package_managers.empty()
               ? std::string()
               : fmt::format("{} contains a package manager: {}", what, listed(ic.package_managers));
  });
}

void check_setuid(const ObjectContext& ctx, Emitter& out) {
  each_read(ctx, out, ImageContentsStatus::Read, [](const ImageContents& ic, const std::string& what) {
    return ic.setuid_files.empty() ? std::string()
                                   : fmt::format("{} contains {} setuid/setgid file(s): {}", what,
                                                 ic.setuid_files.size(), listed(ic.setuid_files));
  });
}

void check_unread(const ObjectContext& ctx, Emitter& out) {
  each_read(ctx, out, ImageContentsStatus::Failed, [](const ImageContents& ic, const std::string& what) {
    return fmt::format("{}: contents not read: {}", what, ic.reason);
  });
}

}  // namespace

void register_contents(Catalog& catalog) {
  catalog.add_pod_rule(kShell, check_shell);
  catalog.add_pod_rule(kPackageManager, check_package_manager);
  catalog.add_pod_rule(kSetuid, check_setuid);
  catalog.add_pod_rule(kUnread, check_unread);
}

}  // namespace kg::rules::img
