#include <map>
#include <set>

#include "rules/img/img_rules.h"

namespace kg::rules::img {
namespace {

const RuleMeta kMeta{
    .id = "KG-IMG-004",
    .slug = "injector-image-inconsistent",
    .title = "The same injected sidecar runs different images across workloads",
    .severity = Severity::Medium,
    .family = "IMG",
    .kinds = {"pod-bearing"},
    .rationale =
        "An injector stamps the same sidecar image into every pod it touches. One workload whose "
        "istio-proxy or linkerd-proxy runs a different image than the rest was changed after injection "
        "(a hijacked sidecar, S5) or missed an upgrade; both deserve a look.",
    .remediation =
        "Compare the odd workload with the others and with the injector's configured image; "
        "re-inject it (restart the workload) or remove the override.",
    .references = {ref::kSidecarInjection, ref::kGateImages, ref::kAttackDeployContainer},
};

void check(const InventoryContext& ctx, InventoryEmitter& out) {
  // profile -> image -> workloads running it
  std::map<std::string, std::map<std::string, std::vector<const rules::SidecarImageFact*>>> by_profile;
  for (const auto& f : ctx.inventory.sidecar_images) by_profile[f.profile][f.image].push_back(&f);
  for (const auto& [profile, images] : by_profile) {
    if (images.size() < 2) continue;
    // The image most workloads run is the reference; the others are reported.
    auto common = images.begin();
    for (auto it = images.begin(); it != images.end(); ++it) {
      if (it->second.size() > common->second.size()) common = it;
    }
    for (auto it = images.begin(); it != images.end(); ++it) {
      if (it == common) continue;
      for (const auto* f : it->second) {
        out.report(f->origin, fmt::format("{} sidecar '{}' runs {}, while {} other workload(s) run {}", profile,
                                          f->container, f->image, common->second.size(), common->first));
      }
    }
  }
}

}  // namespace

void register_injector_image_drift(Catalog& catalog) { catalog.add_inventory_rule(kMeta, check); }

}  // namespace kg::rules::img
