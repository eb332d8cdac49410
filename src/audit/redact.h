// Alerts quote commands, arguments and images; they go through the one
// redactor (util/redact.h) before anything is written, and are cut to a
// bounded length. Secret objects and env values are never quoted at all (the
// detections do not read them).
#pragma once

#include <string>
#include <string_view>

namespace kg::audit {

inline constexpr size_t kMaxQuoted = 512;  // longer text is cut, with "..." appended

std::string redact(std::string_view text);

}  // namespace kg::audit
