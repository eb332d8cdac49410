#include "rules/rule.h"

#include <array>

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

std::optional<Severity> parse_severity(std::string_view text) {
  static constexpr std::array kAll = {Severity::Info, Severity::Low, Severity::Medium, Severity::High,
                                      Severity::Critical};
  for (Severity s : kAll) {
    if (severity_name(s) == text) return s;
  }
  if (text == "none") return std::nullopt;
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
