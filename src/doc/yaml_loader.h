// YAML streams through libyaml, split into documents the way kubectl splits
// them (a line that starts with "---"), so one broken document never hides
// its neighbours.
#pragma once

#include <cstdio>
#include <string_view>

#include "doc/document.h"

namespace kg::doc {

// Parses one chunk of YAML text whose first line is line `first_line` of `file`.
// Emits the first document of the chunk (kubectl reads no other), or one
// error. `next_index` numbers the documents of the file.
void parse_yaml_chunk(std::string_view text, std::string_view file, uint32_t first_line, uint32_t& next_index,
                      const DocumentSink& on_document, const ErrorSink& on_error, const LoadLimits& limits = {});

// Reads a whole YAML stream from `in`, one kubectl-style document chunk at a
// time, so memory is bounded by the largest document rather than the file.
void load_yaml_stream(std::FILE* in, std::string_view file, const DocumentSink& on_document, const ErrorSink& on_error,
                      const LoadLimits& limits = {});

// A line that starts with "---" ends a document for kubectl. Followed by
// nothing but blanks or a comment it is a separator; followed by anything
// else kubectl rejects it (Invalid).
enum class SeparatorKind : uint8_t { None, Separator, Invalid };
SeparatorKind separator_kind(std::string_view line);
bool is_document_separator(std::string_view line);

// The chunk before a separator line: parsed, or reported as an error at the
// separator when the separator is invalid.
void end_chunk(std::string_view chunk, std::string_view separator, std::string_view file, uint32_t first_line,
               uint32_t separator_line, uint32_t& next_index, const DocumentSink& on_document,
               const ErrorSink& on_error, const LoadLimits& limits);

}  // namespace kg::doc
