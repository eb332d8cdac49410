#include "rules/rule.h"

#include <array>
#include <cctype>
#include <string>

namespace kg::rules {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Info: return "info";
    case Severity::Low: return "low";
    case Severity::Medium: return "medium";
    case Severity::High: return "high";
    case Severity::Critical: return "critical";
  }
  return "unknown";
}

// Case does not matter: --fail-on CRITICAL is critical.
std::optional<Severity> parse_severity(std::string_view text) {
  static constexpr std::array kAll = {Severity::Info, Severity::Low, Severity::Medium, Severity::High,
                                      Severity::Critical};
  std::string lower(text);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (Severity s : kAll) {
    if (severity_name(s) == lower) return s;
  }
  return std::nullopt;
}

std::string_view reference_kind_name(ReferenceKind kind) {
  switch (kind) {
    case ReferenceKind::ThreatMatrix: return "threat-matrix";
    case ReferenceKind::Attack: return "attack";
    case ReferenceKind::Pss: return "pss";
    case ReferenceKind::Cis: return "cis";
    case ReferenceKind::Nsa: return "nsa-cisa";
    case ReferenceKind::Other: return "other";
  }
  return "other";
}

}  // namespace kg::rules
