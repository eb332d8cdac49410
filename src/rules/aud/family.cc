#include <cstdlib>

#include "rules/aud/aud_rules.h"

namespace kg::rules {
namespace aud {

GradedRule graded(AudRule rule) {
  for (auto in_file : {workload_rule, exec_rule, access_rule, privilege_rule}) {
    if (GradedRule g = in_file(rule); g.meta != nullptr) return g;
  }
  std::abort();  // every AudRule has its metadata in one of the files above
}

const RuleMeta& meta(AudRule rule) { return *graded(rule).meta; }

}  // namespace aud

void register_aud_rules(Catalog& catalog) {
  for (aud::AudRule r : aud::kAllAudRules) catalog.add_audit_rule(aud::meta(r));
}

}  // namespace kg::rules
