#include "rules/net/net_rules.h"

namespace kg::rules {

void register_net_rules(Catalog& catalog) {
  net::register_workload_not_isolated(catalog);
  net::register_namespace_without_default_deny(catalog);
}

}  // namespace kg::rules
