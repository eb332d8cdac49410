#include "fronts/cli/config_options.h"

#include <iostream>

#include <fmt/format.h>

#include "pss/policy.h"

namespace kg::cli {

std::optional<engine::Config> load_config(const ConfigOptions& options, const rules::Catalog& catalog,
                                          std::string_view command) {
  std::string path = options.config.empty() ? engine::find_config_upward(".") : options.config;
  engine::ConfigResult loaded;
  if (!path.empty()) loaded = engine::load_config_file(path, catalog);
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) std::cerr << command << ": " << doc::format_error(e) << '\n';
    return std::nullopt;
  }
  if (!options.fail_on.empty()) {
    auto severity = rules::parse_severity(options.fail_on);
    if (!severity) {
      std::cerr << fmt::format("{}: --fail-on '{}' is not one of critical, high, medium, low, info\n", command,
                               options.fail_on);
      return std::nullopt;
    }
    loaded.config.fail_on = *severity;
  }
  if (!options.pss.empty()) {
    auto policy = pss::parse_policy(options.pss);
    if (!policy) {
      std::cerr << fmt::format("{}: --pss '{}' is not LEVEL[:VERSION] (e.g. restricted:v1.30)\n", command, options.pss);
      return std::nullopt;
    }
    loaded.config.settings.pss = policy;
  }
  return std::move(loaded.config);
}

}  // namespace kg::cli
