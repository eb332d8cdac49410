// Linux capability names as they appear in securityContext.capabilities.
#pragma once

#include <string>
#include <string_view>

namespace kg::rules::pod {

// The canonical spelling: upper case, without the "CAP_" prefix, so that
// "cap_sys_admin", "CAP_SYS_ADMIN" and "SYS_ADMIN" compare equal (the
// container runtimes accept all of them).
std::string normalize_capability(std::string_view name);

}  // namespace kg::rules::pod
