// The image verifier every front builds the same way from .kubeguard.yaml
// (imagePolicies, registryAuth) and the --inspect-images flags: used by
// verify, scan, cluster scan and cluster watch (--verify-images,
// --inspect-images).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "engine/config.h"
#include "supply/verifier.h"

namespace kg::cli {

// --inspect-images and its limits (docs/SUPPLY-CHAIN.md).
struct InspectFlags {
  bool inspect = false;
  std::string max_download = "256Mi";  // compressed layers of one image, summed
  std::string max_unpacked = "1Gi";    // their tar streams, summed
  size_t max_entries = 200'000;
  long timeout_seconds = 60;
};

// Adds --inspect-images, --inspect-max-download, --inspect-max-unpacked,
// --inspect-max-entries and --inspect-timeout to `cmd`.
void add_inspect_flags(CLI::App* cmd, InspectFlags& flags);

// nullptr after printing "<command>: <problem>" on standard error. Warns (and
// still returns a verifier) when the configuration has no imagePolicies and
// contents are not read.
std::unique_ptr<supply::ImageVerifier> make_image_verifier(const engine::Config& config, std::string_view command,
                                                           const InspectFlags* inspect = nullptr);

}  // namespace kg::cli
