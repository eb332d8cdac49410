#include "rules/image_contents.h"

#include "doc/node.h"
#include "k8s/object.h"

namespace kg::rules {

const ImageInspector* image_inspector(const ImageTrust* trust) {
  const auto* inspector = dynamic_cast<const ImageInspector*>(trust);
  return inspector;
}

std::string running_image(const doc::Node* pod, std::string_view container, std::string_view spec_image) {
  const doc::Node* status = pod != nullptr ? pod->get("status") : nullptr;
  if (status == nullptr) return std::string(spec_image);
  for (std::string_view list : {"containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"}) {
    const doc::Node* statuses = status->get(list);
    if (statuses == nullptr || !statuses->is_sequence()) continue;
    for (const auto& s : statuses->items()) {
      if (k8s::string_at(&s, "name") != container) continue;
      std::string_view id = k8s::string_at(&s, "imageID");
      for (std::string_view prefix : {"docker-pullable://", "docker://"}) {
        if (id.starts_with(prefix)) id.remove_prefix(prefix.size());
      }
      auto at = id.find("@sha256:");
      if (at == std::string_view::npos || at == 0) return std::string(spec_image);
      return std::string(id);
    }
  }
  return std::string(spec_image);
}

}  // namespace kg::rules
