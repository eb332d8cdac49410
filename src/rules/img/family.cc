#include "rules/img/img_rules.h"

namespace kg::rules {

void register_img_rules(Catalog& catalog) {
  img::register_trusted_registry(catalog);
  img::register_pinning(catalog);
  img::register_injector_image_drift(catalog);
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

}  // namespace img
}  // namespace kg::rules
