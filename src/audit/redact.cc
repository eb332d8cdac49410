#include "audit/redact.h"

#include <re2/re2.h>

namespace kg::audit {

std::string redact(std::string_view text) {
  // key=value and --key value where the key names a credential; bearer/basic
  // authorization headers; URLs with user:password@.
  static const RE2 kKeyValue(
      R"((?i)([a-z0-9_.-]*(?:password|passwd|pwd|secret|token|apikey|api-key|api_key|credential|private-key|access-key)[a-z0-9_.-]*(?:=|:\s*))([^\s'"&]+))");
  static const RE2 kFlagValue(
      R"((?i)((?:^|\s)--?[a-z0-9_.-]*(?:password|passwd|secret|token|apikey|api-key|credential)[a-z0-9_.-]*\s+)([^\s'"&-][^\s'"&]*))");
  static const RE2 kAuthHeader(R"((?i)((?:bearer|basic)\s+)([A-Za-z0-9._~+/=-]+))");
  static const RE2 kUrlCredentials(R"(([a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:)([^@\s/]+)(@))");
  std::string out(text.substr(0, kMaxQuoted));
  RE2::GlobalReplace(&out, kAuthHeader, R"(\1<redacted>)");
  RE2::GlobalReplace(&out, kKeyValue, R"(\1<redacted>)");
  RE2::GlobalReplace(&out, kFlagValue, R"(\1<redacted>)");
  RE2::GlobalReplace(&out, kUrlCredentials, R"(\1<redacted>\3)");
  if (text.size() > kMaxQuoted) out += "...";
  return out;
}

}  // namespace kg::audit
