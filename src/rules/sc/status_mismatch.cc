#include <algorithm>
#include <set>
#include <utility>

#include "rules/sc/sc_rules.h"

namespace kg::rules::sc {
namespace {

const RuleMeta kMeta{
    .id = "KG-SC-005",
    .slug = "injector-status-mismatch",
    .title = "Injector status annotation disagrees with the containers present",
    .severity = Severity::High,
    .family = "SC",
    .kinds = {"pod-bearing"},
    .rationale =
        "Injectors record what they injected (sidecar.istio.io/status, linkerd.io/proxy-version, "
        "vault.hashicorp.com/agent-inject-status). A container that looks like the injector's but is not "
        "in its record, or a record naming a container that is gone, means someone changed the pod after "
        "injection: the pattern of a swapped or smuggled sidecar.",
    .remediation =
        "Compare the pod with its owner's template and the injector's output (kubectl get -o yaml, "
        "`kubeguard diff`); re-create the pod through its controller so the injector runs again.",
    .references = {ref::kSidecarInjection,
                   ref::kAttackDeployContainer,
                   {ReferenceKind::ThreatMatrix, "MS-TA9015", "Malicious admission controller"}},
};

void check(const ObjectContext& ctx, Emitter& out) {
  const auto& pod = *ctx.pod;
  std::set<std::string> checked_injectors;
  for (const auto& profile : ctx.settings.sidecar_profiles) {
    if (profile.status_annotation.empty() || checked_injectors.contains(profile.injector)) continue;
    checked_injectors.insert(profile.injector);
    k8s::InjectorStatus status = k8s::injector_status(pod, profile);
    std::string annotation_path = pod.metadata_path + ".annotations." + profile.status_annotation;
    const doc::Node* annotation =
        pod.metadata != nullptr ? pod.metadata->find({"annotations", profile.status_annotation}) : nullptr;
    // Containers that look like this injector's (name and image of one of its profiles).
    std::vector<const k8s::ContainerView*> lookalikes;
    for (const auto& c : pod.containers) {
      const k8s::SidecarProfile* p = lookalike_profile(c, ctx.settings.sidecar_profiles);
      if (p != nullptr && p->injector == profile.injector) lookalikes.push_back(&c);
    }
    if (!status.present) {
      for (const auto* c : lookalikes) {
        out.report(c->path, c->node,
                   fmt::format("container '{}' looks like {}'s sidecar but the pod has no {} annotation", c->name,
                               profile.injector, profile.status_annotation),
                   c);
      }
      continue;
    }
    if (!profile.status_lists_containers) {
      if (lookalikes.empty()) {
        out.report(annotation_path, annotation,
                   fmt::format("{} says {} injected, but none of its containers is present", profile.status_annotation,
                               profile.injector));
      }
      continue;
    }
    // Sets, not walks: the annotation and the pod may each list thousands.
    std::set<std::pair<std::string_view, k8s::ContainerKind>> names_in_pod;
    for (const auto& c : pod.containers) names_in_pod.emplace(c.name, c.kind);
    auto present = [&](std::string_view name, k8s::ContainerKind kind) {
      return names_in_pod.contains(std::make_pair(name, kind));
    };
    std::set<std::string_view> listed_containers(status.containers.begin(), status.containers.end());
    std::set<std::string_view> listed_init(status.init_containers.begin(), status.init_containers.end());
    for (const auto& name : status.containers) {
      if (!present(name, k8s::ContainerKind::Regular)) {
        out.report(
            annotation_path, annotation,
            fmt::format("{} lists container '{}' but the pod has no such container", profile.status_annotation, name));
      }
    }
    for (const auto& name : status.init_containers) {
      if (!present(name, k8s::ContainerKind::Init)) {
        out.report(annotation_path, annotation,
                   fmt::format("{} lists init container '{}' but the pod has no such init container",
                               profile.status_annotation, name));
      }
    }
    for (const auto* c : lookalikes) {
      const auto& listed = c->kind == k8s::ContainerKind::Init ? listed_init : listed_containers;
      if (!listed.contains(c->name)) {
        out.report(c->path, c->node,
                   fmt::format("container '{}' looks like {}'s sidecar but {} does not list it", c->name,
                               profile.injector, profile.status_annotation),
                   c);
      }
    }
  }
}

}  // namespace

void register_status_mismatch(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::sc
