// A node written as kubectl prints an object with `-o json`: keys sorted,
// four-space indent, encoding/json's escaping (<, > and & as \u escapes,
// invalid UTF-8 as the character U+FFFD) and number forms. `kubeguard convert` uses it so
// a person (and the differential test against kubectl) sees what the rules
// see.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doc/node.h"

namespace kg::doc {

// `overrides` replace (or add) top-level string fields, e.g. the kind and
// apiVersion a list item takes from its list.
void write_kubectl_json(const Node& node, std::string& out,
                        const std::vector<std::pair<std::string_view, std::string_view>>& overrides = {});

// A scalar's number text as encoding/json writes the value the client holds
// (int64 when it reads as one, else float64).
std::string kubectl_number(const Node& scalar);

}  // namespace kg::doc
