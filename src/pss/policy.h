// A Pod Security Standards policy: a level at a Kubernetes version.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kg::pss {

enum class Level : uint8_t { Privileged, Baseline, Restricted };

struct Version {
  int major = 1;
  int minor = 0;  // "latest" is represented by kLatestMinor
  auto operator<=>(const Version&) const = default;
};

inline constexpr int kLatestMinor = 37;  // newest version the fixtures cover; "latest" maps here

struct Policy {
  Level level = Level::Restricted;
  Version version{1, kLatestMinor};
};

std::string_view level_name(Level level);
std::optional<Level> parse_level(std::string_view text);
// "v1.30", "1.30" or "latest".
std::optional<Version> parse_version(std::string_view text);
std::string version_name(Version version);
// "restricted", "baseline:v1.30", "restricted:latest".
std::optional<Policy> parse_policy(std::string_view text);

}  // namespace kg::pss
