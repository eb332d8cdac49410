#include "audit/redact.h"

#include "util/redact.h"

namespace kg::audit {

std::string redact(std::string_view text) {
  // Redacted whole, then cut: a cut first could leave half a secret unrecognised.
  std::string out = util::redact(text);
  if (out.size() > kMaxQuoted) {
    out.resize(kMaxQuoted);
    out += "...";
  }
  return out;
}

}  // namespace kg::audit
