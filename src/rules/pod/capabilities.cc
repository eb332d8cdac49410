#include "rules/pod/capabilities.h"

#include <cctype>

namespace kg::rules::pod {

std::string normalize_capability(std::string_view name) {
  std::string upper;
  upper.reserve(name.size());
  for (char c : name) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  std::string_view view = upper;
  if (view.starts_with("CAP_")) return std::string(view.substr(4));
  return upper;
}

}  // namespace kg::rules::pod
