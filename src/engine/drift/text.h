// How differences read in a message: short, and never with a secret in it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "doc/node.h"

namespace kg::engine::drift {

// The scalars of a sequence (command, args); empty when absent.
std::vector<std::string> string_list(const doc::Node* node);

// "[sh, -c, \"curl x | sh\"]": values of secret-looking flags (--password=...,
// --token VALUE) and credentials in URLs masked, long items and lists cut.
std::string show_list(const std::vector<std::string>& items);

// "a, b, c", at most `limit` names then "and N more".
std::string show_names(const std::vector<std::string>& names, size_t limit = 8);

}  // namespace kg::engine::drift
