// Verifies images against the image policies: resolves the reference at its
// registry, checks the pinned digest against the tag, and verifies the cosign
// signatures of the digest. Results are cached by digest (signatures of a
// digest do not change often; a kubeguard process is short-lived or, for
// serve, bounded by the cache's TTL). The rules see it as a rules::ImageTrust.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/image_contents.h"
#include "rules/image_trust.h"
#include "supply/image_contents.h"
#include "supply/policy.h"
#include "supply/registry_client.h"
#include "util/expected.h"

namespace kg::supply {

struct VerifierOptions {
  RegistryOptions registry;             // timeouts, retries, limits; ca_pem is added to
  std::chrono::seconds cache_ttl{300};  // how long a verdict (and a tag's digest) is reused
  // The whole verification of one image (every request and retry) ends
  // within this budget (0: only the per-request timeouts); past it the image
  // is Unreachable. For admission, well under the webhook's timeout.
  std::chrono::milliseconds budget{0};
  // Failure mode: false (closed) reports an unreachable registry (KG-IMG-008);
  // true (open) passes the image as if no policy applied, with the reason kept.
  bool fail_open = false;
  // Read image contents (config and layers) when the rules ask
  // (--inspect-images), within these limits.
  bool inspect = false;
  ContentsLimits contents;
};

// Everything `kubeguard verify` prints about one image.
struct VerifyDetail {
  rules::ImageVerdict verdict;
  std::string media_type;             // of the top manifest
  std::string platform_digest;        // an index's manifest for the configured platform
  size_t signatures = 0;              // signature layers found
  std::vector<std::string> rejected;  // why each signature that did not count was rejected
  bool cached = false;
};

class ImageVerifier final : public rules::ImageTrust, public rules::ImageInspector {
 public:
  // Reads the credentials and CA file that `policies.auth` names.
  static util::Expected<std::unique_ptr<ImageVerifier>> create(ImagePolicies policies,
                                                               const VerifierOptions& options = {});
  ~ImageVerifier() override;

  rules::ImageVerdict verdict(std::string_view image) const override;
  // NotRead unless options.inspect.
  rules::ImageContents contents(std::string_view image) const override;
  VerifyDetail verify(std::string_view image) const;

  // Summed over the registries contacted.
  RegistryStats stats() const;

 private:
  struct Impl;
  explicit ImageVerifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kg::supply
