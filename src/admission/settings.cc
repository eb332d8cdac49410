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
  result.settings.deny_over_budget = mode == Mode::Enforce;
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
    } else if (e.key == "budgetMilliseconds") {
      std::optional<int64_t> ms = e.value.is_scalar() ? e.value.as_int() : std::nullopt;
      if (!ms || *ms < 1 || *ms > 60'000) {
        error(e.value.mark(), "admission.budgetMilliseconds: expected a whole number from 1 to 60000");
      } else {
        result.settings.budget = std::chrono::milliseconds(*ms);
      }
    } else if (e.key == "overBudget") {
      if (e.value.str() == "deny") result.settings.deny_over_budget = true;
      else if (e.value.str() == "allow") result.settings.deny_over_budget = false;
      else error(e.value.mark(), "admission.overBudget: expected deny or allow");
    } else {
      error(e.key_mark, fmt::format("admission: unknown field '{}' (known: exemptNamespaces, exemptUsers, "
                                    "budgetMilliseconds, overBudget)",
                                    e.key));
    }
  }
  return result;
}

}  // namespace kg::admission
