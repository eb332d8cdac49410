#include <cstdlib>

#include "rules/aud/aud_rules.h"

namespace kg::rules {
namespace aud {

const RuleMeta& meta(AudRule rule) {
  if (const RuleMeta* m = workload_meta(rule)) return *m;
  if (const RuleMeta* m = exec_meta(rule)) return *m;
  if (const RuleMeta* m = access_meta(rule)) return *m;
  std::abort();  // every AudRule has its metadata in one of the files above
}

}  // namespace aud

void register_aud_rules(Catalog& catalog) {
  for (aud::AudRule r : aud::kAllAudRules) catalog.add_audit_rule(aud::meta(r));
}

}  // namespace kg::rules
