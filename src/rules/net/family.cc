#include "rules/net/net_rules.h"

namespace kg::rules {

void register_net_rules(Catalog& catalog) {
  net::register_workload_not_isolated(catalog);
  net::register_namespace_without_default_deny(catalog);
  net::register_workload_egress_not_isolated(catalog);
  net::register_service_exposed(catalog);
  net::register_ingress_without_tls(catalog);
  net::register_container_admin_port(catalog);
}

}  // namespace kg::rules
