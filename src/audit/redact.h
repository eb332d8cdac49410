// Alerts quote commands, arguments and images; credentials that ride in them
// (--password=..., TOKEN=..., "Authorization: Bearer ...") are replaced by
// "<redacted>" before anything is written. Secret objects and env values are
// never quoted at all (the detections do not read them).
#pragma once

#include <string>
#include <string_view>

namespace kg::audit {

inline constexpr size_t kMaxQuoted = 512;  // longer text is cut, with "..." appended

std::string redact(std::string_view text);

}  // namespace kg::audit
