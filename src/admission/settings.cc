#include "admission/settings.h"

#include <algorithm>

#include <fmt/format.h>

namespace kg::admission {

std::optional<Mode> parse_mode(std::string_view text) {
  if (text == "enforce") return Mode::Enforce;
  if (text == "warn") return Mode::Warn;
  if (text == "audit") return Mode::Audit;
  return std::nullopt;
}

std::string_view mode_name(Mode mode) {
  switch (mode) {
    case Mode::Enforce: return "enforce";
    case Mode::Warn: return "warn";
    case Mode::Audit: return "audit";
  }
  return "enforce";
}

bool Settings::namespace_exempt(std::string_view ns) const {
  return !ns.empty() && std::find(exempt_namespaces.begin(), exempt_namespaces.end(), ns) != exempt_namespaces.end();
}

bool Settings::user_exempt(std::string_view user) const {
  return !user.empty() && std::find(exempt_users.begin(), exempt_users.end(), user) != exempt_users.end();
}

SettingsResult settings_from_config(const engine::Config& config, Mode mode) {
  SettingsResult result;
  result.settings.mode = mode;
  if (!config.admission || config.admission->is_null()) return result;
  auto error = [&](doc::Mark mark, std::string message) {
    result.errors.push_back(doc::LoadError{doc::ErrorCode::Config, config.source, mark, std::move(message)});
  };
  auto strings = [&](const doc::Entry& e, std::vector<std::string>& out) {
    out.clear();
    if (e.value.is_null()) return;
    if (!e.value.is_sequence()) {
      error(e.value.mark(), fmt::format("admission.{}: expected a list of strings", e.key));
      return;
    }
    for (const auto& item : e.value.items()) {
      if (!item.is_scalar() || item.str().empty()) {
        error(item.mark(), fmt::format("admission.{}: expected a non-empty string", e.key));
        continue;
      }
      out.emplace_back(item.str());
    }
  };
  for (const auto& e : config.admission->entries()) {
    if (e.key == "exemptNamespaces") {
      strings(e, result.settings.exempt_namespaces);
    } else if (e.key == "exemptUsers") {
      strings(e, result.settings.exempt_users);
    } else {
      error(e.key_mark, fmt::format("admission: unknown field '{}' (known: exemptNamespaces, exemptUsers)", e.key));
    }
  }
  return result;
}

}  // namespace kg::admission
