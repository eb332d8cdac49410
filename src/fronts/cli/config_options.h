// The options every command that runs the catalog shares (--config,
// --fail-on, --pss), read the same way everywhere so a .kubeguard.yaml means
// the same thing for files, clusters and watches.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/config.h"
#include "rules/catalog.h"

namespace kg::cli {

struct ConfigOptions {
  std::string config;   // "" searches .kubeguard.yaml upward from the working directory
  std::string fail_on;  // "" keeps the file's (or the default) threshold
  std::string pss;      // "" keeps the file's setting
};

// The configuration, or nullopt after printing each problem as
// "<command>: <problem>" on standard error.
std::optional<engine::Config> load_config(const ConfigOptions& options, const rules::Catalog& catalog,
                                          std::string_view command);

}  // namespace kg::cli
