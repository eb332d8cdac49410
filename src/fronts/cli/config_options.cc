#include "fronts/cli/config_options.h"

#include <algorithm>
#include <cctype>
#include <iostream>

#include <fmt/format.h>

#include "fronts/cli/clock.h"
#include "fronts/cli/commands.h"
#include "pss/policy.h"
#include "util/terminal_text.h"

namespace kg::cli {

bool is_fail_on_none(std::string_view text) {
  static constexpr std::string_view kNone = "none";
  return text.size() == kNone.size() && std::equal(text.begin(), text.end(), kNone.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

std::optional<engine::Config> load_config(const ConfigOptions& options, const rules::Catalog& catalog,
                                          std::string_view command, FrontPolicy* policy) {
  std::string path = options.config.empty() ? engine::find_config_upward(".") : options.config;
  engine::ConfigResult loaded;
  if (!path.empty()) loaded = engine::load_config_file(path, catalog);
  if (policy != nullptr && loaded.errors.empty()) {
    std::string ignore = options.ignore_file.empty() ? find_ignore_file(path, ".") : options.ignore_file;
    if (!ignore.empty()) {
      policy->accepted = load_accepted_findings(ignore, catalog, utc_now().substr(0, 10));
      for (auto& e : policy->accepted.errors) loaded.errors.push_back(std::move(e));
    }
  }
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors)
      std::cerr << command << ": " << util::terminal_safe(doc::format_error(e)) << '\n';
    return std::nullopt;
  }
  // failOn: none in the file holds until the command line names a threshold.
  if (policy != nullptr) policy->fail_never = loaded.config.fail_never;
  if (is_fail_on_none(options.fail_on)) {
    loaded.config.fail_never = true;
    if (policy != nullptr) policy->fail_never = true;
  } else if (!options.fail_on.empty()) {
    auto severity = rules::parse_severity(options.fail_on);
    if (!severity) {
      std::cerr << fmt::format("{}: --fail-on '{}' is not one of critical, high, medium, low, info, none\n", command,
                               options.fail_on);
      return std::nullopt;
    }
    loaded.config.fail_on = *severity;
    loaded.config.fail_never = false;
    if (policy != nullptr) policy->fail_never = false;
  }
  if (!options.pss.empty()) {
    // Command-line values ignore case (--pss Restricted:V1.30); labels in manifests do not.
    std::string pss = options.pss;
    for (auto& c : pss) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto policy = pss::parse_policy(pss);
    if (!policy) {
      std::cerr << fmt::format("{}: --pss '{}' is not LEVEL[:VERSION] (e.g. restricted:v1.30)\n", command, options.pss);
      return std::nullopt;
    }
    loaded.config.settings.pss = policy;
  }
  return std::move(loaded.config);
}

void apply_policy(const FrontPolicy& policy, engine::ScanResult& result) {
  policy.accepted.apply(result.findings);
  engine::summarize(result);
  result.notices.insert(result.notices.end(), policy.accepted.notices.begin(), policy.accepted.notices.end());
}

std::optional<rules::Severity> parse_min_severity(std::string_view text, std::string_view command) {
  auto severity = rules::parse_severity(text);
  if (!severity) {
    std::cerr << fmt::format("{}: --min-severity '{}' is not one of critical, high, medium, low, info\n", command,
                             util::terminal_safe(text));
  }
  return severity;
}

int exit_status(const engine::ScanResult& result, const engine::Config& config, const FrontPolicy& policy) {
  if (policy.fail_never || config.fail_never) return result.errors.empty() ? kExitOk : kExitError;
  return engine::exit_code(result, config.fail_on);
}

}  // namespace kg::cli
