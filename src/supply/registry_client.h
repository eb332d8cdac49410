// A client of one OCI distribution registry (the /v2/ API) over libcurl and
// OpenSSL: the registry's WWW-Authenticate challenge answered with Basic
// credentials or a Bearer token from its token server, manifests of every
// OCI and Docker media type, blobs; every manifest and blob checked against
// its digest; timeouts, retries with back-off on network errors, 429 and 5xx;
// size limits; a cache of content by digest. Credentials are sent only after
// the registry asks for them and are never printed.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "supply/registry_auth.h"
#include "util/expected.h"

namespace kg::supply {

struct RegistryOptions {
  std::string ca_pem;  // trusted in addition to the system store when not empty
  long connect_timeout_seconds = 5;
  long request_timeout_seconds = 20;
  int attempts = 3;       // tries per request for network errors, 429 and 5xx
  long backoff_ms = 200;  // doubled after each failed try
  size_t max_manifest_bytes = size_t{4} << 20;
  size_t max_blob_bytes = size_t{16} << 20;
  size_t cache_bytes = size_t{64} << 20;  // content kept by digest
  std::string user_agent;                 // "" gives kubeguard/<version>
};

// A manifest or blob as fetched and checked.
struct Content {
  std::string media_type;  // the Content-Type the registry gave (manifests)
  std::string digest;      // "sha256:...", checked against the bytes
  std::string body;
};

// Counters for benchmarks and tests.
struct RegistryStats {
  size_t requests = 0;    // HTTP requests sent (token requests included)
  size_t cache_hits = 0;  // answers served from the digest cache
  size_t retries = 0;
};

class RegistryClient {
 public:
  // `registry` is a host[:port] as an image reference writes it ("docker.io"
  // is reached at registry-1.docker.io). `credentials` may be null and must
  // outlive the client.
  static util::Expected<RegistryClient> create(std::string_view registry, const CredentialStore* credentials,
                                               const RegistryOptions& options = {});
  RegistryClient(RegistryClient&&) noexcept;
  RegistryClient& operator=(RegistryClient&&) noexcept;
  ~RegistryClient();

  // GET /v2/<repository>/manifests/<reference> (a tag or a digest). A digest
  // reference is answered from the cache when possible. NotFound when the
  // registry does not know the repository or reference.
  util::Expected<Content> manifest(std::string_view repository, std::string_view reference);
  // GET /v2/<repository>/blobs/<digest>, at most `max_bytes` (0: the option).
  util::Expected<Content> blob(std::string_view repository, std::string_view digest, size_t max_bytes = 0);

  // Requests after `deadline` fail at once and requests before it are cut
  // off at it (a time budget, e.g. an admission request's); a default value
  // (epoch) means none.
  void set_deadline(std::chrono::steady_clock::time_point deadline);

  const std::string& registry() const;
  RegistryStats stats() const;

 private:
  struct Impl;
  explicit RegistryClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Manifest media types the client asks for (the Accept header).
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

}  // namespace kg::supply
