#include "rules/catalog.h"

namespace kg::rules {

void register_ns_rules(Catalog& /*catalog*/) {}

}  // namespace kg::rules
