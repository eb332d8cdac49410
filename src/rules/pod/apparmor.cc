#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-014",
    .slug = "apparmor-unconfined",
    .title = "Container runs without AppArmor confinement",
    .severity = Severity::Medium,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "On nodes with AppArmor the runtime's default profile denies writes to /proc and /sys, mounts and "
        "other moves used to break out of a container. Setting the profile to Unconfined removes that layer. "
        "A missing profile is fine: the runtime default applies. The profile is resolved as the kubelet does: "
        "the container's appArmorProfile, then the legacy annotation "
        "container.apparmor.security.beta.kubernetes.io/<name>, then the pod's appArmorProfile.",
    .remediation =
        "Remove the Unconfined profile (the runtime default then applies) or set "
        "appArmorProfile.type: RuntimeDefault, or Localhost with a reviewed profile.",
    .references = {ref::kRestrictLsm,
                   ref::kPodSecurityStandards,
                   ref::kAttackEscapeToHost,
                   {ReferenceKind::Pss, "baseline/appArmorProfile", "AppArmor"},
                   kCisSecurityContext,
                   ref::kNsaPodSecurity},
};

constexpr std::string_view kAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/";

void check(const ObjectContext& ctx, Emitter& out) {
  const k8s::PodSpecView& pod = *ctx.pod;
  if (is_windows_pod(pod)) return;
  const doc::Node* pod_type = pod.spec->find({"securityContext", "appArmorProfile", "type"});
  for (const auto& c : pod.containers) {
    const doc::Node* own_type = c.node->find({"securityContext", "appArmorProfile", "type"});
    std::string key = fmt::format("{}{}", kAnnotationPrefix, c.name);
    const doc::Node* annotation = annotation_node(pod, key);
    if (own_type != nullptr) {
      if (own_type->str() == "Unconfined") {
        out.report(c.path + ".securityContext.appArmorProfile.type", own_type,
                   fmt::format("{} runs with AppArmor profile Unconfined", describe(c)), &c);
      }
    } else if (annotation != nullptr) {
      if (annotation->str() == "unconfined") {
        out.report(annotation_path(pod, key), annotation,
                   fmt::format("{} runs with AppArmor profile unconfined (annotation {})", describe(c), key), &c);
      }
    } else if (pod_type != nullptr && pod_type->str() == "Unconfined") {
      out.report(pod.path + ".securityContext.appArmorProfile.type", pod_type,
                 fmt::format("{} runs with AppArmor profile Unconfined (set for the pod)", describe(c)), &c);
    }
  }
}

}  // namespace

void register_apparmor(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
