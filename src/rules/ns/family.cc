#include "rules/ns/ns_rules.h"

namespace kg::rules {

void register_ns_rules(Catalog& catalog) {
  ns::register_default_namespace(catalog);
  ns::register_workload_in_system_namespace(catalog);
}

}  // namespace kg::rules
