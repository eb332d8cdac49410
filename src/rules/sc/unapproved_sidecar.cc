#include "rules/sc/sc_rules.h"
#include "rules/severity_case.h"

namespace kg::rules::sc {
namespace {

const RuleMeta kMeta{
    .id = "KG-SC-001",
    .slug = "unapproved-sidecar",
    .title = "Extra container that matches no approved sidecar profile",
    .severity = Severity::Low,
    .family = "SC",
    .kinds = {"pod-bearing"},
    .rationale =
        "Sidecar injection hides a miner or backdoor beside the application, where mesh and logging "
        "sidecars make one more container look normal. Every container other than the application "
        "should be explained: by an approved sidecar profile (name, image repository and the "
        "injector's status annotation) or by the team declaring it in .kubeguard.yaml. In a manifest "
        "its owner wrote, though, a second container (contour's envoy beside its controller, a log "
        "shipper, a second application process) is a design choice, not an injection: a scan reports it "
        "as a low-severity inventory note, so that a CI gate does not fail on every multi-container "
        "workload. Injection shows as a difference from what the owner wrote, and there the finding is "
        "strong: a container a change adds to a live object (`kubeguard cluster watch` raises this rule "
        "to high), and the drift, admission UPDATE and audit rules (KG-DRIFT-001, KG-AUD-005) that "
        "compare with the owner's version; impersonation of a known injector is KG-SC-002 and KG-SC-005. "
        "For a strict gate that wants every extra container explained, set severityOverrides: "
        "{KG-SC-001: high}. In a pod an approved injector has processed (its status annotation and "
        "containers are present), the other containers were in the template the injector was given and "
        "are taken as the application's own.",
    .remediation =
        "Remove the container, or, if it is legitimate, add an approvedSidecars profile for it in "
        ".kubeguard.yaml (name, containerNames, repositories) so that a future change to it stands out.",
    .references = {ref::kSidecarInjection,
                   ref::kLeastPrivilege,
                   ref::kAttackDeployContainer,
                   {ReferenceKind::ThreatMatrix, "MS-TA9008", "New container"}},
};
constexpr SeverityCase kMetaCases[] = {
    {"added-to-live-object", Severity::High,
     "a change adds the container to a live object, or a controller's pod has it and its controller's template "
     "does not (kubeguard cluster watch)"},
};

// An approved injector that records its work (a status annotation) and whose
// containers are present processed this template: the other containers were
// already in it, written by the workload's authors. For live pods this trusts
// the template at injection time; an addition to the owner's template is
// still reported on the owner, and `kubeguard diff` compares pods with it.
bool processed_by_approved_injector(const k8s::PodSpecView& pod) {
  for (const auto& c : pod.containers) {
    if (c.profile != nullptr && !c.profile->status_annotation.empty()) return true;
  }
  return false;
}

void check(const ObjectContext& ctx, Emitter& out) {
  if (processed_by_approved_injector(*ctx.pod)) return;
  for (const auto& c : ctx.pod->containers) {
    if (!is_sidecar(c) || c.profile != nullptr || c.impersonates != nullptr) continue;
    // A lookalike of an approved sidecar without its injector's annotation is KG-SC-005's finding.
    if (lookalike_profile(c, ctx.settings.sidecar_profiles) != nullptr) continue;
    out.report(c.path, c.node,
               fmt::format("container '{}' ({}, image {}) matches no approved sidecar profile (an extra container "
                           "of the spec as written: a design choice unless it differs from what the owner wrote)",
                           c.name, k8s::role_name(c.role), c.image.empty() ? "none" : c.image),
               &c);
  }
}

}  // namespace

void register_unapproved_sidecar(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

GradedRule unapproved_sidecar_graded() { return {&kMeta, kMetaCases}; }

}  // namespace kg::rules::sc
