// Seccomp profile types both seccomp checks accept.
#pragma once

#include <string_view>

#include "doc/node.h"

namespace kg::pss::detail {

inline bool valid_seccomp_type(std::string_view type) { return type == "RuntimeDefault" || type == "Localhost"; }

// Where a bad profile points: its type, or the profile when the type is missing.
inline const doc::Node* seccomp_type_node(const doc::Node& profile) {
  const doc::Node* type = profile.get("type");
  return type != nullptr ? type : &profile;
}

}  // namespace kg::pss::detail
