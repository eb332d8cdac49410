#include "rules/image_trust.h"

namespace kg::rules {

std::string_view image_trust_status_name(ImageTrustStatus status) {
  switch (status) {
    case ImageTrustStatus::Trusted: return "trusted";
    case ImageTrustStatus::NoPolicy: return "no-policy";
    case ImageTrustStatus::Unsigned: return "unsigned";
    case ImageTrustStatus::Untrusted: return "untrusted";
    case ImageTrustStatus::DigestMismatch: return "digest-mismatch";
    case ImageTrustStatus::DigestRequired: return "digest-required";
    case ImageTrustStatus::Unreachable: return "unreachable";
    case ImageTrustStatus::Missing: return "missing";
    case ImageTrustStatus::Invalid: return "invalid";
  }
  return "unknown";
}

}  // namespace kg::rules
