// The admission decision: an AdmissionRequest through the same catalog and
// configuration as `kubeguard scan`, plus, on UPDATE, what changed between
// oldObject and object (the drift comparison: containers that appear, images
// that move to another repository or digest, commands of approved sidecars,
// ephemeral containers). Pure: no I/O, no clock (the caller's `over_budget`
// check is the only way time comes in).
//
// The steps, in order: whether the request is examined at all (operation,
// subresource, exemptions); the findings of the object (and, on UPDATE, what
// the update changes); the verdict the mode makes of the findings at or above
// the threshold. Each step is linear in the size of the request, and the
// budget is asked between rules and between steps.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "admission/review.h"
#include "admission/settings.h"
#include "engine/config.h"
#include "engine/stoppable.h"
#include "rules/catalog.h"
#include "rules/finding.h"

namespace kg::admission {

enum class Verdict : uint8_t {
  Allowed,  // examined; nothing reached the threshold (or nothing to examine)
  Denied,   // enforce: a finding reached the threshold
  Warned,   // warn: admitted with warnings
  Audited,  // audit: admitted with audit annotations
  Exempt,   // namespace or user exempt: not examined
};

std::string_view verdict_name(Verdict verdict);

struct Decision {
  Verdict verdict = Verdict::Allowed;
  bool allowed() const { return verdict != Verdict::Denied; }
  // Unsuppressed findings at or above the threshold, most severe first.
  std::vector<rules::Finding> findings;
  std::vector<std::string> rule_ids;  // of `findings`, sorted, unique
  std::string message;                // the denial, as kubectl prints it after "denied the request: "
  std::vector<std::string> warnings;  // warn mode: one per finding
  std::vector<std::pair<std::string, std::string>> audit_annotations;  // audit mode
  std::string note;                                                    // why a request was not examined, for the log
  bool over_budget = false;  // the work budget ran out before the findings were complete
};

// `over_budget` answers whether the request's work budget is spent; when it
// says so before the findings are complete, the request is denied with a
// message saying why (settings.deny_over_budget) or admitted with a warning.
Decision decide(const AdmissionRequest& request, const rules::Catalog& catalog, const engine::Config& config,
                const Settings& settings, const engine::StopCheck& over_budget = {});

// The findings of one request before mode and threshold apply (all of them,
// suppressed ones included); exposed for tests and the decision above. With
// `counting_from`, the old object of an UPDATE goes through the catalog only
// when the new one has a finding at or above that severity (the common case
// of a clean workload costs one catalog pass, not two); findings below it may
// then include ones the old object already had.
// `complete`, when given, is set to false when `stop` ended the work early.
std::vector<rules::Finding> evaluate_request(const AdmissionRequest& request, const rules::Catalog& catalog,
                                             const engine::Config& config,
                                             std::optional<rules::Severity> counting_from = std::nullopt,
                                             const engine::StopCheck& stop = {}, bool* complete = nullptr);

}  // namespace kg::admission
