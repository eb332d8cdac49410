// Where documents come from: files, directories (recursive) and standard input.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "doc/document.h"

namespace kg::doc {

struct InputSet {
  std::vector<std::string> files;  // in a stable order; "-" is standard input
  std::vector<LoadError> errors;   // paths that do not exist or cannot be listed
};

// Expands directories recursively to their .yaml, .yml and .json files, sorted;
// files named explicitly are taken whatever their extension.
InputSet expand_inputs(std::span<const std::string> paths);

bool has_manifest_extension(std::string_view path);

// The largest input read, in bytes (a file, or standard input): a manifest
// beyond this is refused with an error naming it, before it is read.
inline constexpr uint64_t kMaxInputBytes = uint64_t{256} << 20;

// Loads every document of one input, choosing JSON or YAML by extension (and
// by the first character for standard input). Only regular files and
// standard input are read, up to kMaxInputBytes.
void load_input(const std::string& path, const DocumentSink& on_document, const ErrorSink& on_error,
                const LoadLimits& limits = {});

// Loads documents from text already in memory (AdmissionReview bodies, tests).
void load_text(std::string_view text, std::string_view name, const DocumentSink& on_document, const ErrorSink& on_error,
               const LoadLimits& limits = {});

}  // namespace kg::doc
