#include "pss/policy.h"

#include <charconv>

#include <fmt/format.h>

namespace kg::pss {

std::string_view level_name(Level level) {
  switch (level) {
    case Level::Privileged: return "privileged";
    case Level::Baseline: return "baseline";
    case Level::Restricted: return "restricted";
  }
  return "restricted";
}

std::optional<Level> parse_level(std::string_view text) {
  if (text == "privileged") return Level::Privileged;
  if (text == "baseline") return Level::Baseline;
  if (text == "restricted") return Level::Restricted;
  return std::nullopt;
}

std::optional<Version> parse_version(std::string_view text) {
  if (text == "latest") return Version{1, kLatestMinor};
  if (!text.empty() && text[0] == 'v') text.remove_prefix(1);
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  Version v;
  auto major = text.substr(0, dot);
  auto minor = text.substr(dot + 1);
  auto r1 = std::from_chars(major.data(), major.data() + major.size(), v.major);
  auto r2 = std::from_chars(minor.data(), minor.data() + minor.size(), v.minor);
  if (r1.ec != std::errc() || r1.ptr != major.data() + major.size()) return std::nullopt;
  if (r2.ec != std::errc() || r2.ptr != minor.data() + minor.size()) return std::nullopt;
  if (v.major != 1 || v.minor < 0) return std::nullopt;
  return v;
}

std::string version_name(Version version) { return fmt::format("v{}.{}", version.major, version.minor); }

std::optional<Policy> parse_policy(std::string_view text) {
  Policy policy;
  auto colon = text.find(':');
  auto level = parse_level(text.substr(0, colon));
  if (!level) return std::nullopt;
  policy.level = *level;
  if (colon != std::string_view::npos) {
    auto version = parse_version(text.substr(colon + 1));
    if (!version) return std::nullopt;
    policy.version = *version;
  }
  return policy;
}

}  // namespace kg::pss
