// .kubeguard.yaml: what a team tunes without touching rules.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "doc/document.h"
#include "rules/catalog.h"
#include "rules/context.h"
#include "rules/rule.h"
#include "supply/policy.h"

namespace kg::engine {

struct Config {
  std::string source;  // the file it came from; "" for defaults
  rules::Severity fail_on = rules::Severity::High;
  bool fail_never = false;                            // failOn: none (findings never fail a run; errors still do)
  std::set<std::string, std::less<>> disabled_rules;  // rule IDs (slugs are resolved on load)
  std::map<std::string, rules::Severity, std::less<>> severity_overrides;
  std::vector<std::string> excluded_namespaces;
  std::vector<std::string> excluded_paths;     // glob patterns, matched against each file path
  rules::Settings settings;                    // what rules read (trusted registries, PSS policy, ...)
  std::optional<doc::Node> approved_sidecars;  // kept for the sidecar profiles
  std::optional<doc::Node> approved_webhooks;
  // The `admission:` section, read by `kubeguard serve` (src/admission/settings.h);
  // kept as a node so the scan front does not depend on the webhook's settings.
  std::optional<doc::Node> admission;
  // imagePolicies and registryAuth: who must have signed which images, and
  // how to reach registries (docs/SUPPLY-CHAIN.md). Used only by the fronts
  // that verify images (verify, scan --verify-images, cluster scan, serve).
  supply::ImagePolicies image_policies;
  // The `audit:` section (system namespaces, platform identities), read by the
  // audit detector (src/audit/settings.h).
  std::optional<doc::Node> audit;

  bool rule_enabled(std::string_view id) const { return !disabled_rules.contains(id); }
  bool namespace_excluded(std::string_view ns) const;
  bool path_excluded(std::string_view path) const;
};

struct ConfigResult {
  Config config;
  std::vector<doc::LoadError> errors;  // each names file, line and field
};

// Parses configuration text; unknown keys and unknown rule IDs are errors.
ConfigResult parse_config(std::string_view text, std::string_view file, const rules::Catalog& catalog);
ConfigResult load_config_file(const std::string& path, const rules::Catalog& catalog);

// .kubeguard.yaml in `start` or the nearest parent directory; "" when none.
std::string find_config_upward(const std::string& start);

}  // namespace kg::engine
