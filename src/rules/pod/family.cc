#include "rules/pod/pod_rules.h"

namespace kg::rules {

void register_pod_rules(Catalog& catalog) {
  pod::register_privileged(catalog);
}

}  // namespace kg::rules
