// YAML streams through libyaml, split into documents the way kubectl splits
// them (a line that starts with "---"), so one broken document never hides
// its neighbours.
#pragma once

#include <cstdio>
#include <string_view>

#include "doc/document.h"

namespace kg::doc {

// Parses one chunk of YAML text whose first line is line `first_line` of `file`.
// Emits every document in the chunk; on a syntax error emits one error and
// drops the rest of the chunk. `next_index` numbers the documents of the file.
void parse_yaml_chunk(std::string_view text, std::string_view file, uint32_t first_line, uint32_t& next_index,
                      const DocumentSink& on_document, const ErrorSink& on_error, const LoadLimits& limits = {});

// Reads a whole YAML stream from `in`, one kubectl-style document chunk at a
// time, so memory is bounded by the largest document rather than the file.
void load_yaml_stream(std::FILE* in, std::string_view file, const DocumentSink& on_document, const ErrorSink& on_error,
                      const LoadLimits& limits = {});

// True when the line is a kubectl document separator: "---" followed by
// nothing but blanks or a comment.
bool is_document_separator(std::string_view line);

}  // namespace kg::doc
