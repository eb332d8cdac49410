#include "rules/severity_case.h"

#include <vector>

#include "rules/aud/aud_rules.h"
#include "rules/drift/drift_rules.h"
#include "rules/rbac/rbac_rules.h"
#include "rules/sc/sc_rules.h"

namespace kg::rules {
namespace {

std::vector<GradedRule> collect() {
  std::vector<GradedRule> out;
  for (aud::AudRule r : aud::kAllAudRules) out.push_back(aud::graded(r));
  for (drift::DriftRule r : drift::kAllDriftRules) out.push_back(drift::graded(r));
  out.push_back(rbac_rules::rbac_change_graded());
  out.push_back(sc::unapproved_sidecar_graded());
  std::erase_if(out, [](const GradedRule& g) { return g.cases.empty(); });
  return out;
}

}  // namespace

Severity GradedRule::severity_of(std::string_view case_name) const {
  for (const auto& c : cases) {
    if (c.name == case_name) return c.severity;
  }
  return meta->severity;
}

std::span<const GradedRule> graded_rules() {
  // Built once from the families' tables; immutable afterwards.
  static const std::vector<GradedRule> kGraded = collect();
  return kGraded;
}

std::span<const SeverityCase> severity_cases_of(std::string_view rule_id) {
  for (const auto& g : graded_rules()) {
    if (g.meta->id == rule_id) return g.cases;
  }
  return {};
}

}  // namespace kg::rules
