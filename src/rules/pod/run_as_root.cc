#include "rules/pod/pod_rules.h"

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
        "cannot see. On Windows pods a windowsOptions.runAsUserName other than ContainerAdministrator also "
        "counts as non-root.",
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

void check(const ObjectContext& ctx, Emitter& out) {
  const bool windows = is_windows_pod(*ctx.pod);
  for (const auto& c : ctx.pod->containers) {
    std::string user_at;
    const doc::Node* user = k8s::effective_security_field(*ctx.pod, c, "runAsUser", &user_at);
    std::optional<int64_t> uid = user != nullptr ? user->as_int() : std::nullopt;
    if (uid == 0) {
      out.report(user_at, user, fmt::format("{} runs as root (runAsUser: 0)", describe(c)), &c);
      continue;
    }
    if (uid.has_value()) continue;
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
      out.report(at.path, at.node,
                 fmt::format("{} may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set, "
                             "so the image's USER decides",
                             describe(c)),
                 &c);
    }
  }
}

}  // namespace

void register_run_as_root(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
