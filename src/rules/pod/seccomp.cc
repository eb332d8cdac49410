#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-013",
    .slug = "seccomp-not-restricted",
    .title = "Container runs without a seccomp profile",
    .severity = Severity::Medium,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "Seccomp filters the system calls a container may make; most kernel exploits used to escape a "
        "container go through calls the runtime's default profile blocks. Kubernetes runs containers "
        "Unconfined unless a profile is set (or the kubelet's SeccompDefault is on, which a manifest cannot "
        "rely on). The profile is resolved as the kubelet does: the container's seccompProfile, then the "
        "legacy container annotation container.seccomp.security.alpha.kubernetes.io/<name>, then the pod's "
        "seccompProfile, then the legacy annotation seccomp.security.alpha.kubernetes.io/pod. RuntimeDefault "
        "and Localhost (runtime/default, docker/default, localhost/... in annotations) pass. Windows pods "
        "cannot use seccomp and are not checked.",
    .remediation =
        "Set securityContext.seccompProfile.type: RuntimeDefault in the pod's securityContext (or "
        "Localhost with a reviewed profile), and replace the deprecated seccomp annotations with the "
        "field.",
    .references = {ref::kRestrictLsm,
                   ref::kRestrictOverPermissive,
                   ref::kPodSecurityStandards,
                   ref::kAttackEscapeToHost,
                   kAttackExploitPrivEsc,
                   {ReferenceKind::Pss, "baseline/seccompProfile_baseline", "Seccomp"},
                   {ReferenceKind::Pss, "restricted/seccompProfile_restricted", "Seccomp"},
                   {ReferenceKind::Cis, "5.7.2",
                    "Ensure that the seccomp profile is set to docker/default in your pod definitions"},
                   ref::kNsaPodSecurity},
};

constexpr std::string_view kPodAnnotation = "seccomp.security.alpha.kubernetes.io/pod";
constexpr std::string_view kContainerAnnotationPrefix = "container.seccomp.security.alpha.kubernetes.io/";

bool field_confines(std::string_view type) { return type == "RuntimeDefault" || type == "Localhost"; }

bool annotation_confines(std::string_view value) {
  return value == "runtime/default" || value == "docker/default" || value.starts_with("localhost/");
}

// Reports the profile set in `profile` (a seccompProfile mapping) unless it confines.
void judge_field(Emitter& out, const k8s::ContainerView& c, const std::string& path, const doc::Node* profile) {
  const doc::Node* type = profile->get("type");
  std::string_view value = k8s::string_at(profile, "type");
  if (field_confines(value)) return;
  if (type == nullptr) {
    out.report(path, profile, fmt::format("{} has a seccompProfile without a type", describe(c)), &c);
    return;
  }
  out.report(path + ".type", type, fmt::format("{} runs with seccomp profile {}", describe(c), type->str()), &c);
}

void judge_annotation(Emitter& out, const k8s::ContainerView& c, const k8s::PodSpecView& pod, std::string_view key,
                      const doc::Node* value) {
  if (annotation_confines(value->str())) return;
  out.report(annotation_path(pod, key), value,
             fmt::format("{} runs with seccomp profile '{}' (annotation {})", describe(c), value->str(), key), &c);
}

void check(const ObjectContext& ctx, Emitter& out) {
  const k8s::PodSpecView& pod = *ctx.pod;
  if (is_windows_pod(pod)) return;
  const doc::Node* pod_profile = pod.spec->find({"securityContext", "seccompProfile"});
  const doc::Node* pod_annotation = annotation_node(pod, kPodAnnotation);
  for (const auto& c : pod.containers) {
    const doc::Node* own = c.node->find({"securityContext", "seccompProfile"});
    std::string container_key = fmt::format("{}{}", kContainerAnnotationPrefix, c.name);
    const doc::Node* own_annotation = annotation_node(pod, container_key);
    if (own != nullptr && !own->is_null()) {
      judge_field(out, c, c.path + ".securityContext.seccompProfile", own);
    } else if (own_annotation != nullptr) {
      judge_annotation(out, c, pod, container_key, own_annotation);
    } else if (pod_profile != nullptr && !pod_profile->is_null()) {
      judge_field(out, c, pod.path + ".securityContext.seccompProfile", pod_profile);
    } else if (pod_annotation != nullptr) {
      judge_annotation(out, c, pod, kPodAnnotation, pod_annotation);
    } else {
      Location at = security_context_location(c);
      out.report(
          at.path, at.node,
          fmt::format("{} has no seccomp profile (neither the container nor the pod sets seccompProfile)", describe(c)),
          &c);
    }
  }
}

}  // namespace

void register_seccomp(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
