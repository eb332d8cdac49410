// JSON documents (a single value, or a stream of values as kubectl accepts)
// parsed into the same position-keeping Node model as YAML.
#pragma once

#include <string_view>

#include "doc/document.h"

namespace kg::doc {

void parse_json_stream(std::string_view text, std::string_view file, const DocumentSink& on_document,
                       const ErrorSink& on_error, const LoadLimits& limits = {});

}  // namespace kg::doc
