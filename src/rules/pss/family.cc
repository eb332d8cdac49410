#include "rules/catalog.h"

namespace kg::rules {

void register_pss_rules(Catalog& /*catalog*/) {}

}  // namespace kg::rules
