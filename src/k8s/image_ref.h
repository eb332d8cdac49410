// Container image references as the container runtime resolves them:
// [registry[:port]/]path[:tag][@digest], with docker.io and library/ implied.
#pragma once

#include <string>
#include <string_view>

namespace kg::k8s {

struct ImageRef {
  std::string registry;  // "docker.io" when implicit (and for the legacy "index.docker.io")
  std::string path;      // "library/nginx", "istio/proxyv2"
  std::string tag;       // "" when none was written
  std::string digest;    // "sha256:..." or ""
  bool implicit_registry = false;
  bool implicit_tag = false;  // no tag and no digest: the runtime pulls :latest
  // False when the text is not something a runtime could pull: empty,
  // whitespace, an empty path component, an empty tag, a malformed digest
  // (see digest_valid), or upper case in the path. The other fields then
  // hold a best effort.
  bool valid = true;
  // The digest follows the OCI grammar: sha256 with exactly 64 or sha512
  // with exactly 128 lower-case hex digits. False when there is no digest.
  bool digest_valid = false;

  // registry + "/" + path, e.g. "docker.io/library/nginx".
  std::string repository() const { return registry + "/" + path; }
  // Pinned only by a well-formed digest: "@sha256:abc" pins nothing.
  bool pinned() const { return digest_valid; }
  // The tag written is latest, or none is and the runtime pulls latest.
  // "app:latest@sha256:..." is latest() and pinned(): the digest decides the content.
  bool latest() const { return tag == "latest" || implicit_tag; }
};

ImageRef parse_image(std::string_view image);

}  // namespace kg::k8s
