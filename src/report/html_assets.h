// The style sheet and script of the HTML report, inline in the one file, and
// the SHA-256 digests its Content-Security-Policy allows them by: the page
// runs no other script and loads nothing, so text from a manifest that got
// past the escaping could still neither run nor call out.
#pragma once

#include <string_view>

namespace kg::report::html_assets {

extern const std::string_view kStyle;
extern const std::string_view kScript;
// 'sha256-<base64>' of kStyle and kScript; a test recomputes them.
extern const std::string_view kStyleHash;
extern const std::string_view kScriptHash;

}  // namespace kg::report::html_assets
