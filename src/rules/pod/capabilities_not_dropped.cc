#include "rules/pod/capabilities.h"
#include "rules/pod/pod_rules.h"

namespace kg::rules::pod {
namespace {

const RuleMeta kMeta{
    .id = "KG-POD-006",
    .slug = "capabilities-not-dropped",
    .title = "Container does not drop all capabilities",
    .severity = Severity::Medium,
    .family = "POD",
    .kinds = {"pod-bearing"},
    .rationale =
        "Without capabilities.drop: [ALL] a container keeps the runtime's default set, which includes NET_RAW "
        "(spoofing and ARP poisoning on the pod network), SETUID, SETGID, DAC_OVERRIDE and others an "
        "intruder uses to move within and beyond the container. Dropping ALL and adding back the few that "
        "are needed makes the grant explicit. Windows pods cannot set capabilities and are not checked.",
    .remediation =
        "Set securityContext.capabilities.drop: [\"ALL\"] and add back only what the process needs "
        "(at most NET_BIND_SERVICE under the restricted profile).",
    .references = {kArpPoisoning,
                   ref::kRestrictOverPermissive,
                   ref::kPodSecurityStandards,
                   ref::kAttackEscapeToHost,
                   {ReferenceKind::Pss, "restricted/capabilities_restricted", "Capabilities"},
                   {ReferenceKind::Cis, "5.2.10", "Minimize the admission of containers with capabilities assigned"},
                   ref::kNsaPodSecurity},
};

bool drops_all(const doc::Node* drop) {
  if (drop == nullptr || !drop->is_sequence()) return false;
  for (const auto& item : drop->items()) {
    if (normalize_capability(item.str()) == "ALL") return true;
  }
  return false;
}

void check(const ObjectContext& ctx, Emitter& out) {
  if (is_windows_pod(*ctx.pod)) return;
  for (const auto& c : ctx.pod->containers) {
    const doc::Node* drop = c.node->find({"securityContext", "capabilities", "drop"});
    if (drops_all(drop)) continue;
    Location at = drop != nullptr ? Location{c.path + ".securityContext.capabilities.drop", drop}
                                  : deepest_location(c, {"securityContext", "capabilities"});
    out.report(std::move(at.path), at.node,
               fmt::format("{} does not drop ALL capabilities (capabilities.drop lacks ALL)", describe(c)), &c);
  }
}

}  // namespace

void register_capabilities_not_dropped(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::pod
