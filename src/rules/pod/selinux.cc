#include <array>

#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-015",
    .slug = "selinux-custom-options",
    .title = "Container sets a custom SELinux type, user or role",
    .severity = Severity::High,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "SELinux confines a container through its process type. A type other than the container types "
        "(container_t, container_init_t, container_kvm_t, container_engine_t) can be unconfined (spc_t, "
        "unconfined_t) or carry node daemon rights, and a custom user or role changes what the type may do. "
        "The options are resolved as the kubelet does: the container's seLinuxOptions replace the pod's as a "
        "whole. Only level (the MCS categories) may be set freely, as under the Pod Security Standards "
        "baseline. Windows pods cannot use SELinux and are not checked.",
    .remediation =
        "Remove seLinuxOptions.type, user and role, or set type to one of container_t, "
        "container_init_t, container_kvm_t or container_engine_t; set level only.",
    .references = {ref::kRestrictLsm,
                   ref::kPodSecurityStandards,
                   ref::kAttackEscapeToHost,
                   {ReferenceKind::Pss, "baseline/seLinuxOptions", "SELinux"},
                   kCisSecurityContext,
                   ref::kNsaPodSecurity},
};

constexpr std::array kAllowedTypes = {std::string_view("container_t"), std::string_view("container_init_t"),
                                      std::string_view("container_kvm_t"), std::string_view("container_engine_t")};

bool allowed_type(std::string_view type) {
  if (type.empty()) return true;
  for (auto t : kAllowedTypes) {
    if (t == type) return true;
  }
  return false;
}

void check(const ObjectContext& ctx, Emitter& out) {
  if (is_windows_pod(*ctx.pod)) return;
  for (const auto& c : ctx.pod->containers) {
    std::string where;
    const doc::Node* options = k8s::effective_security_field(*ctx.pod, c, "seLinuxOptions", &where);
    if (options == nullptr || !options->is_mapping()) continue;
    std::string_view type = k8s::string_at(options, "type");
    if (!allowed_type(type)) {
      out.report(where + ".type", options->get("type"),
                 fmt::format("{} runs with SELinux type '{}'", describe(c), type), &c);
    }
    for (std::string_view field : {std::string_view("user"), std::string_view("role")}) {
      std::string_view value = k8s::string_at(options, field);
      if (value.empty()) continue;
      out.report(fmt::format("{}.{}", where, field), options->get(field),
                 fmt::format("{} sets SELinux {} '{}'", describe(c), field, value), &c);
    }
  }
}

}  // namespace

void register_selinux(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
