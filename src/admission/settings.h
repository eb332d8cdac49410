// What `kubeguard serve` decides with besides the rules: the mode, who and
// where is exempt, and the work budget of one request. Read from the
// `admission:` section of .kubeguard.yaml:
//
//   admission:
//     exemptNamespaces: [kube-system]  # requests in these namespaces are admitted unexamined
//     exemptUsers: []                  # usernames admitted unexamined (none by default)
//     budgetMilliseconds: 1000         # time a decision may take once its body is read
//     overBudget: deny                 # deny | allow a request not decided within the budget
//
// Either list, when written, replaces its default (shown above). overBudget
// defaults to deny in enforce mode and to allow (with a warning) otherwise.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "doc/document.h"
#include "engine/config.h"
#include "rules/finding.h"

namespace kg::admission {

enum class Mode : uint8_t {
  Enforce,  // deny when a finding reaches the threshold
  Warn,     // admit, with the findings as warnings kubectl prints
  Audit,    // admit, with the findings as audit annotations
};

std::optional<Mode> parse_mode(std::string_view text);
std::string_view mode_name(Mode mode);

struct Settings {
  Mode mode = Mode::Enforce;
  std::vector<std::string> exempt_namespaces{"kube-system"};
  // Nobody by default: kubeguard makes no API calls, so exempting its own
  // service account would only help whoever can mint a token for it.
  std::vector<std::string> exempt_users;
  std::chrono::milliseconds budget{1000};
  bool deny_over_budget = true;
  // The findings the ignore file (.kubeguardignore.yaml) accepts, marked
  // suppressed before the threshold applies, so an object gets the verdict
  // `kubeguard scan` gives it with the same file. Empty: nothing accepted.
  std::function<void(std::span<rules::Finding>)> accept;

  bool namespace_exempt(std::string_view ns) const;
  bool user_exempt(std::string_view user) const;
};

struct SettingsResult {
  Settings settings;
  std::vector<doc::LoadError> errors;  // each names file, line and field
};

// Reads config.admission (absent: the defaults) into settings for `mode`.
SettingsResult settings_from_config(const engine::Config& config, Mode mode);

}  // namespace kg::admission
