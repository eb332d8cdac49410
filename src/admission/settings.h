// What `kubeguard serve` decides with besides the rules: the mode, and who
// and where is exempt. Read from the `admission:` section of .kubeguard.yaml:
//
//   admission:
//     exemptNamespaces: [kube-system]          # requests in these namespaces are admitted unexamined
//     exemptUsers: ["system:serviceaccount:kubeguard:kubeguard"]
//
// Either list, when written, replaces its default (shown above).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/document.h"
#include "engine/config.h"

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
  std::vector<std::string> exempt_users{"system:serviceaccount:kubeguard:kubeguard"};

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
