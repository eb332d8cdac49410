#include "rules/image_contents.h"
#include "rules/img/img_rules.h"

namespace kg::rules {

void register_img_rules(Catalog& catalog) {
  img::register_trusted_registry(catalog);
  img::register_pinning(catalog);
  img::register_injector_image_drift(catalog);
  img::register_signature(catalog);
  img::register_contents(catalog);
}

namespace img {

bool is_trusted(std::string_view repository, std::span<const std::string> trusted) {
  for (const auto& t : trusted) {
    std::string_view entry = t;
    while (!entry.empty() && entry.back() == '/') entry.remove_suffix(1);
    if (repository == entry) return true;
    if (repository.size() > entry.size() && repository.substr(0, entry.size()) == entry &&
        repository[entry.size()] == '/') {
      return true;
    }
  }
  return false;
}

std::string running_image_of(const ObjectContext& ctx, const k8s::ContainerView& c) {
  const doc::Node* pod = ctx.object.ref.kind == "Pod" ? ctx.object.root : nullptr;
  return rules::running_image(pod, c.name, c.image);
}

}  // namespace img
}  // namespace kg::rules
