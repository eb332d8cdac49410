// The POD family: pod and container hardening. One file per rule (or per
// tightly related pair); each registers itself here.
#pragma once

#include <fmt/format.h>

#include "rules/catalog.h"

namespace kg::rules::pod {

void register_privileged(Catalog& catalog);

}  // namespace kg::rules::pod
