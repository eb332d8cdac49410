// Standard base64 (RFC 4648, with padding) as kubeconfig *-data fields use it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kg::util {

// Decodes; whitespace (line breaks in wrapped PEM-in-base64) is skipped.
// nullopt for any other character outside the alphabet or bad padding.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace kg::util
