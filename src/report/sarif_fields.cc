#include "report/sarif_fields.h"

#include <array>

namespace kg::report::sarif {

std::string_view level(rules::Severity severity) {
  switch (severity) {
    case rules::Severity::Critical:
    case rules::Severity::High: return "error";
    case rules::Severity::Medium: return "warning";
    case rules::Severity::Low:
    case rules::Severity::Info: return "note";
  }
  return "note";
}

std::string_view security_severity(rules::Severity severity) {
  switch (severity) {
    case rules::Severity::Critical: return "9.5";
    case rules::Severity::High: return "8.0";
    case rules::Severity::Medium: return "5.5";
    case rules::Severity::Low: return "3.0";
    case rules::Severity::Info: return "1.0";
  }
  return "1.0";
}

namespace {

// RFC 3986 unreserved characters plus the path separator; everything else is
// percent-encoded so spaces, '#', '?', '%' and non-ASCII bytes survive.
bool keep_in_path(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '/';
}

void append_encoded(std::string& out, std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    if (keep_in_path(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
}

}  // namespace

ArtifactUri artifact_uri(std::string_view path) {
  ArtifactUri result;
  if (!path.empty() && path.front() == '/') {
    result.relative = false;
    result.uri = "file://";
    append_encoded(result.uri, path);
    return result;
  }
  // "./a.yaml" and "a.yaml" are the same file to GitHub only when spelled the same.
  while (path.size() > 2 && path.substr(0, 2) == "./") {
    path.remove_prefix(2);
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  }
  append_encoded(result.uri, path);
  return result;
}

std::string clip(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  constexpr std::string_view kEllipsis = "...";
  size_t keep = max_bytes > kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  // Back off continuation bytes so no character is cut in half.
  while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) --keep;
  std::string out(text.substr(0, keep));
  out += kEllipsis;
  return out;
}

std::string object_key(const k8s::ObjectRef& ref) {
  std::string key = ref.kind;
  key += '/';
  if (!ref.name_space.empty()) {
    key += ref.name_space;
    key += '/';
  }
  key += ref.name;
  return key;
}

}  // namespace kg::report::sarif
