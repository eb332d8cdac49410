#include "k8s/image_ref.h"

#include <algorithm>
#include <cctype>

namespace kg::k8s {
namespace {

bool has_upper(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isupper(c) != 0; });
}

bool has_space(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

// The first component names a registry only if it looks like a host: it has a
// '.' or a ':', is "localhost", or has upper case (which a repository path
// cannot); the rule the Docker reference grammar uses.
bool looks_like_registry(std::string_view first) {
  return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
         first == "localhost" || has_upper(first);
}

bool valid_path(std::string_view path) {
  if (path.empty() || has_upper(path)) return false;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    if (slash == start) return false;  // empty component
    if (slash == std::string_view::npos) return start < path.size();
    start = slash + 1;
  }
}

bool lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// The OCI image-spec digest grammar (descriptor.md): algorithm ":" encoded,
// algorithm = component (separator component)*, component = [a-z0-9]+,
// separator = [+._-]; for the registered algorithms the encoded part is
// lower-case hex of the hash's exact length (sha256: 64, sha512: 128).
// Runtimes refuse any other algorithm (go-digest's ErrDigestUnsupported),
// so "sha256:abc", "SHA256:..." or "md5:..." pin nothing.
bool valid_digest(std::string_view digest) {
  size_t colon = digest.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view algorithm = digest.substr(0, colon);
  std::string_view encoded = digest.substr(colon + 1);
  size_t length = algorithm == "sha256" ? 64 : algorithm == "sha512" ? 128 : 0;
  if (length == 0 || encoded.size() != length) return false;
  return std::all_of(encoded.begin(), encoded.end(), lower_hex);
}

}  // namespace

ImageRef parse_image(std::string_view image) {
  ImageRef ref;
  ref.valid = !image.empty() && !has_space(image);
  std::string_view rest = image;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    ref.digest_valid = valid_digest(ref.digest);
    ref.valid = ref.valid && ref.digest_valid;
  }
  auto slash = rest.find('/');
  if (slash != std::string_view::npos && looks_like_registry(rest.substr(0, slash))) {
    ref.registry = std::string(rest.substr(0, slash));
    rest = rest.substr(slash + 1);
  }
  if (ref.registry.empty()) {
    ref.registry = "docker.io";
    ref.implicit_registry = true;
  }
  // A ':' after the last '/' starts the tag (a registry port was consumed above).
  auto last_slash = rest.rfind('/');
  auto colon = rest.find(':', last_slash == std::string_view::npos ? 0 : last_slash);
  if (colon != std::string_view::npos) {
    ref.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    ref.valid = ref.valid && !ref.tag.empty();
  }
  ref.valid = ref.valid && valid_path(rest);
  ref.path = std::string(rest);
  if ((ref.registry == "docker.io" || ref.registry == "index.docker.io") && ref.path.find('/') == std::string::npos) {
    ref.path = "library/" + ref.path;
  }
  if (ref.registry == "index.docker.io") ref.registry = "docker.io";
  ref.implicit_tag = ref.tag.empty() && ref.digest.empty();
  return ref;
}

}  // namespace kg::k8s
