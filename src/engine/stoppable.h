// What a front with a deadline (the admission webhook's work budget) hands
// to Session::add(): asked before each rule, true ends the work there.
#pragma once

#include <functional>

namespace kg::engine {

using StopCheck = std::function<bool()>;

}  // namespace kg::engine
