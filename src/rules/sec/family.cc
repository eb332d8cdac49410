#include "rules/catalog.h"

namespace kg::rules {

void register_sec_rules(Catalog& /*catalog*/) {}

}  // namespace kg::rules
