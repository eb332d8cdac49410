#include "rules/ns/ns_rules.h"

namespace kg::rules {

void register_ns_rules(Catalog& catalog) { ns::register_default_namespace(catalog); }

}  // namespace kg::rules
