// The PSS family: one rule per upstream Pod Security Standards check, run
// only when the configuration names a policy (scan --pss, or pss: in
// .kubeguard.yaml) and only while that policy includes the check.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "rules/catalog.h"

namespace kg::rules::pss_family {

struct PssRule {
  RuleMeta meta;
  std::string_view check;  // upstream check ID the rule runs
};

inline constexpr size_t kPssRuleCount = 19;

// KG-PSS-001 onwards, in the registry's order; IDs never move.
std::span<const PssRule, kPssRuleCount> pss_rules();

void run(const PssRule& rule, const ObjectContext& ctx, Emitter& out);

}  // namespace kg::rules::pss_family
