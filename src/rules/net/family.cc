#include "rules/catalog.h"

namespace kg::rules {

void register_net_rules(Catalog& /*catalog*/) {}

}  // namespace kg::rules
