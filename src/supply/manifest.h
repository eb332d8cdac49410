// OCI and Docker manifests and indexes (image lists), read into values, and
// the choice of one platform's manifest from an index.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "supply/registry_client.h"

namespace kg::supply {

struct Platform {
  std::string os = "linux";
  std::string architecture = "amd64";
  std::string variant;  // "" matches any
  std::string text() const {
    return variant.empty() ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
  }
};

// "linux/arm64/v8" -> Platform; nullopt when malformed.
std::optional<Platform> parse_platform(std::string_view text);

struct Descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
  std::map<std::string, std::string, std::less<>> annotations;
  std::optional<Platform> platform;  // index entries only
  std::string artifact_type;
};

struct Manifest {
  bool is_index = false;  // an OCI index or a Docker manifest list
  std::string media_type;
  Descriptor config;                  // image manifests
  std::vector<Descriptor> layers;     // image manifests
  std::vector<Descriptor> manifests;  // indexes
  std::map<std::string, std::string, std::less<>> annotations;
};

// Parses a manifest body; `media_type` is the Content-Type the registry gave
// (the body's own mediaType wins when present). Errors name the field.
util::Expected<Manifest> parse_manifest(std::string_view body, std::string_view media_type);

// The entry of an index for `platform` (a missing variant matches any);
// nullptr when none.
const Descriptor* select_platform(const Manifest& index, const Platform& platform);

}  // namespace kg::supply
