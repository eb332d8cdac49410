// The wall clock as the CLI prints it: RFC 3339 in UTC, to the second.
#pragma once

#include <ctime>
#include <string>

namespace kg::cli {

inline std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace kg::cli
