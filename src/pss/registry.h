// Every upstream check with its level and its implementations per policy
// version, in one const table; and which of them a policy runs.
#pragma once

#include <span>
#include <string_view>

#include "pss/check.h"
#include "pss/policy.h"

namespace kg::pss {

struct VersionedCheck {
  int min_minor = 0;  // first policy version (1.<min_minor>) this implementation applies to
  CheckFn fn = nullptr;
  // Baseline checks this restricted check replaces while it applies: a
  // restricted policy runs the stricter one only (e.g. capabilities_restricted
  // replaces capabilities_baseline from 1.22).
  std::span<const std::string_view> overrides;
};

struct CheckDef {
  std::string_view id;  // upstream check ID, e.g. "seccompProfile_restricted"
  Level level = Level::Baseline;
  std::span<const VersionedCheck> versions;  // strictly increasing min_minor
};

// In a stable order: baseline checks, then restricted ones.
std::span<const CheckDef> all_checks();
const CheckDef* find_check(std::string_view id);

// The implementation a policy runs for `check`; null when the check is not
// part of the policy (level too low, version too old, or replaced by a
// restricted check). Versions past the newest known one behave as the newest.
const VersionedCheck* active_version(const CheckDef& check, Policy policy);

// The restricted check that replaces baseline `check` under `policy`, if any.
const CheckDef* replaced_by(const CheckDef& check, Policy policy);

}  // namespace kg::pss
