// The NS family: how objects use namespaces. One file per rule; each
// registers itself here.
#pragma once

#include <fmt/format.h>

#include "rules/catalog.h"

namespace kg::rules::ns {

void register_default_namespace(Catalog& catalog);
void register_workload_in_system_namespace(Catalog& catalog);

}  // namespace kg::rules::ns
