// The options every command that runs the catalog shares (--config,
// --fail-on, --pss), read the same way everywhere so a .kubeguard.yaml means
// the same thing for files, clusters and watches.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/config.h"
#include "engine/scanner.h"
#include "fronts/cli/accepted_findings.h"
#include "rules/catalog.h"

namespace kg::cli {

struct ConfigOptions {
  std::string config;       // "" searches .kubeguard.yaml upward from the working directory
  std::string fail_on;      // "" keeps the file's (or the default) threshold
  std::string pss;          // "" keeps the file's setting
  std::string ignore_file;  // "" uses .kubeguardignore.yaml beside the configuration or found upward
};

// What the command line adds to the configuration file: --fail-on none and
// the ignore file's accepted findings.
struct FrontPolicy {
  bool fail_never = false;  // --fail-on none: findings never fail the run; errors still do
  AcceptedFindings accepted;
};

// "none" in any case.
bool is_fail_on_none(std::string_view text);

// The configuration, or nullopt after printing each problem as
// "<command>: <problem>" on standard error. With `policy`, --fail-on none is
// accepted and the ignore file is read into it.
std::optional<engine::Config> load_config(const ConfigOptions& options, const rules::Catalog& catalog,
                                          std::string_view command, FrontPolicy* policy = nullptr);

// Applies the accepted findings to a whole result (the summary follows) and
// adds the notices of expired entries.
void apply_policy(const FrontPolicy& policy, engine::ScanResult& result);

// --min-severity, read the same way by every command that filters what it
// prints (audit, cluster watch, node watch); nullopt after printing
// "<command>: --min-severity ..." on standard error.
std::optional<rules::Severity> parse_min_severity(std::string_view text, std::string_view command);

// engine::exit_code, with --fail-on none leaving only errors failing the run.
int exit_status(const engine::ScanResult& result, const engine::Config& config, const FrontPolicy& policy);

}  // namespace kg::cli
