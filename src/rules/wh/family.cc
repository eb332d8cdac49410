#include "rules/wh/wh_rules.h"

namespace kg::rules {

void register_wh_rules(Catalog& catalog) {
  wh::register_unapproved_mutating(catalog);
  wh::register_external_url(catalog);
  wh::register_missing_ca_bundle(catalog);
  wh::register_fails_open(catalog);
  wh::register_reinvocation(catalog);
  wh::register_namespace_opt_out(catalog);
  wh::register_timeout(catalog);
  wh::register_impersonation(catalog);
}

}  // namespace kg::rules
