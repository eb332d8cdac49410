#include "k8s/image_ref.h"
#include "rules/sc/sc_rules.h"

namespace kg::rules {

void register_sc_rules(Catalog& catalog) {
  sc::register_unapproved_sidecar(catalog);
  sc::register_impersonation(catalog);
  sc::register_sidecar_limits(catalog);
  sc::register_more_privileged(catalog);
  sc::register_status_mismatch(catalog);
  sc::register_signatures(catalog);
  sc::register_ephemeral(catalog);
}

namespace sc {

const k8s::SidecarProfile* lookalike_profile(const k8s::ContainerView& c,
                                             std::span<const k8s::SidecarProfile> profiles) {
  std::string repository = k8s::parse_image(c.image).repository();
  for (const auto& p : profiles) {
    if (p.matches_name(c.name) && p.matches_repository(repository)) return &p;
  }
  return nullptr;
}

}  // namespace sc
}  // namespace kg::rules
