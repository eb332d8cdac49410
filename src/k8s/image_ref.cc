#include "k8s/image_ref.h"

namespace kg::k8s {

ImageRef parse_image(std::string_view image) {
  ImageRef ref;
  std::string_view rest = image;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
  }
  // The first component is a registry only if it looks like a host: it has a
  // '.' or a ':' or is "localhost" (the rule the Docker reference grammar uses).
  auto slash = rest.find('/');
  if (slash != std::string_view::npos) {
    std::string_view first = rest.substr(0, slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
        first == "localhost") {
      ref.registry = std::string(first);
      rest = rest.substr(slash + 1);
    }
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
  }
  ref.path = std::string(rest);
  if ((ref.registry == "docker.io" || ref.registry == "index.docker.io") && ref.path.find('/') == std::string::npos) {
    ref.path = "library/" + ref.path;
  }
  if (ref.registry == "index.docker.io") ref.registry = "docker.io";
  ref.implicit_tag = ref.tag.empty() && ref.digest.empty();
  return ref;
}

}  // namespace kg::k8s
