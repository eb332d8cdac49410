// What the KG-IMG contents rules and KG-POD-003 ask about an image: what is
// inside it, read from its config and layers (whiteouts applied). Asked only
// when a front opted in (--inspect-images): the image verifier the front
// plugs into Settings::image_trust then also answers this interface, and
// image_inspector() finds it there, so the settings carry one pointer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/image_trust.h"

namespace kg::doc {
class Node;
}

namespace kg::rules {

enum class ImageContentsStatus : uint8_t {
  NotRead,  // inspection is off
  Read,     // the fields below describe the image
  Failed,   // the registry, the layers or a limit stopped the reading: see reason
};

struct ImageContents {
  ImageContentsStatus status = ImageContentsStatus::NotRead;
  std::string digest;                         // the image manifest read (an index's platform manifest)
  std::string user;                           // the config's User as written ("" when unset)
  bool user_is_root = false;                  // empty, 0, root (any group), or a name /etc/passwd maps to 0
  std::vector<std::string> shells;            // "/bin/sh -> /bin/busybox"
  std::vector<std::string> package_managers;  // "/usr/bin/apt"
  std::vector<std::string> setuid_files;      // "/usr/bin/su (setuid root)"
  std::string reason;                         // Failed: why (a limit names its flag)
};

class ImageInspector {
 public:
  virtual ~ImageInspector() = default;
  // Thread-safe; may use the network; cached by digest.
  virtual ImageContents contents(std::string_view image) const = 0;
};

// The inspector behind a front's image verifier, when it reads contents; null otherwise.
const ImageInspector* image_inspector(const ImageTrust* trust);

// The image a live Pod's container runs: repo@digest from its status's
// imageID when the runtime reports one, else `spec_image`. `pod` is a Pod
// object's root (null: `spec_image`).
std::string running_image(const doc::Node* pod, std::string_view container, std::string_view spec_image);

}  // namespace kg::rules
