// JSON documents (a single value, or a stream of values as kubectl accepts)
// parsed into the same position-keeping Node model as YAML.
#pragma once

#include <string_view>

#include "doc/document.h"

namespace kg::doc {

void parse_json_stream(std::string_view text, std::string_view file, const DocumentSink& on_document,
                       const ErrorSink& on_error, const LoadLimits& limits = {});

// How a stream of JSON values ended: at the end of the text, or at an error
// after `values` values, the last of which ended at byte `end` (0 when none).
struct JsonStreamEnd {
  bool failed = false;
  uint32_t values = 0;
  size_t end = 0;
  LoadError error;  // when failed
};

// Parses JSON values one after another (separated by JSON whitespace or
// nothing, as Go's json.Decoder reads them), handing on each non-null one;
// stops at the first error and returns it instead of reporting it.
// `first_index` numbers the documents.
JsonStreamEnd parse_json_values(std::string_view text, std::string_view file, uint32_t first_index,
                                const DocumentSink& on_document, const LoadLimits& limits = {});

}  // namespace kg::doc
