#include "doc/document.h"

#include <fmt/format.h>

namespace kg::doc {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::Io: return "io";
    case ErrorCode::YamlSyntax: return "yaml-syntax";
    case ErrorCode::JsonSyntax: return "json-syntax";
    case ErrorCode::TooDeep: return "too-deep";
    case ErrorCode::TooLarge: return "too-large";
    case ErrorCode::UnknownAlias: return "unknown-alias";
    case ErrorCode::Config: return "config";
  }
  return "unknown";
}

std::string format_error(const LoadError& error) {
  if (error.mark.line == 0) return fmt::format("{}: {}", error.file, error.message);
  return fmt::format("{}:{}:{}: {}", error.file, error.mark.line, error.mark.column, error.message);
}

}  // namespace kg::doc
