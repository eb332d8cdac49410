// The Kubernetes client's errors are the shared client errors (util/expected.h).
#pragma once

#include "util/expected.h"

namespace kg::cluster {

using util::Done;
using util::Error;
using util::error_kind_name;
using util::ErrorKind;
using util::Expected;

}  // namespace kg::cluster
