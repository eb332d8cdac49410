// What a loader hands to the engine: whole documents with their origin, and
// errors as values that name file, line and column.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "doc/node.h"

namespace kg::doc {

struct Document {
  std::string file;    // path as given, or "-" for standard input
  uint32_t index = 0;  // 0-based position of the document in its file
  Node root;
};

enum class ErrorCode : uint8_t {
  Io,            // the file could not be opened or read
  YamlSyntax,    // libyaml refused the document
  JsonSyntax,    // the JSON parser refused the document
  TooDeep,       // nesting beyond the bound we accept
  TooLarge,      // a document (or its alias expansion) beyond the bound we accept
  UnknownAlias,  // *name with no &name before it
  Config,        // a configuration file is invalid
};

std::string_view error_code_name(ErrorCode code);

struct LoadError {
  ErrorCode code = ErrorCode::Io;
  std::string file;
  Mark mark;
  std::string message;
};

// "file:line:column: message" (line and column left out when unknown).
std::string format_error(const LoadError& error);

using DocumentSink = std::function<void(Document&&)>;
using ErrorSink = std::function<void(LoadError&&)>;

// Bounds that keep hostile input from exhausting the stack or memory.
struct LoadLimits {
  uint32_t max_depth = 256;
  uint64_t max_nodes_per_document = 4'000'000;
};

}  // namespace kg::doc
