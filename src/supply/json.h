// One JSON value (a manifest, a token answer, a signature payload) read into
// the position-keeping Node model; the first syntax error is returned instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "doc/node.h"

namespace kg::supply {

struct JsonValue {
  std::optional<doc::Node> root;  // set when the text is one valid JSON value
  std::string error;              // "line:column: message" otherwise
};

JsonValue parse_json(std::string_view text, std::string_view name);

// The string at `key` of a mapping, "" when absent or not a scalar.
std::string_view string_at(const doc::Node& node, std::string_view key);

// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);

}  // namespace kg::supply
