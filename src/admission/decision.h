// The admission decision: an AdmissionRequest through the same catalog and
// configuration as `kubeguard scan`, plus, on UPDATE, what changed between
// oldObject and object (the drift comparison: containers that appear, images
// that move to another repository or digest, commands of approved sidecars,
// ephemeral containers). Pure: no I/O, no clock.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "admission/review.h"
#include "admission/settings.h"
#include "engine/config.h"
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
};

Decision decide(const AdmissionRequest& request, const rules::Catalog& catalog, const engine::Config& config,
                const Settings& settings);

// The findings of one request before mode and threshold apply (all of them,
// suppressed ones included); exposed for tests and the decision above. With
// `counting_from`, the old object of an UPDATE goes through the catalog only
// when the new one has a finding at or above that severity (the common case
// of a clean workload costs one catalog pass, not two); findings below it may
// then include ones the old object already had.
std::vector<rules::Finding> evaluate_request(const AdmissionRequest& request, const rules::Catalog& catalog,
                                             const engine::Config& config,
                                             std::optional<rules::Severity> counting_from = std::nullopt);

}  // namespace kg::admission
