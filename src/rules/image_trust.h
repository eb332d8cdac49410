// What the KG-IMG signature rules ask about an image: the verdict of the
// supply-chain verifier (src/supply). The rules see only this interface, so
// the scan runs without a network unless a front plugs a verifier in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kg::rules {

enum class ImageTrustStatus : uint8_t {
  Trusted,         // a signature verified against the policy
  NoPolicy,        // no imagePolicies entry matches the image: nothing is required
  Unsigned,        // no signature at all
  Untrusted,       // signatures, none by a trusted key or identity
  DigestMismatch,  // the tag resolves to another digest than the one written beside it
  DigestRequired,  // the policy requires a digest and the reference has none
  Unreachable,     // registry unreachable, auth refused, or timed out
  Missing,         // the registry does not have the image
  Invalid,         // the reference or what the registry sent is unusable
};

std::string_view image_trust_status_name(ImageTrustStatus status);

struct ImageVerdict {
  ImageTrustStatus status = ImageTrustStatus::NoPolicy;
  std::string image;   // as asked
  std::string digest;  // what the reference resolved to ("" when unknown)
  std::string signer;  // Trusted: the key or identity that verified
  std::string reason;  // one line: why (never a credential)
  std::string policy;  // the matching policy's image pattern ("" for NoPolicy)
};

class ImageTrust {
 public:
  virtual ~ImageTrust() = default;
  // Thread-safe; may use the network; answers from a cache by digest.
  virtual ImageVerdict verdict(std::string_view image) const = 0;
};

}  // namespace kg::rules
