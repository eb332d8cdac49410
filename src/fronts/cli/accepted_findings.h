// The ignore file (.kubeguardignore.yaml): accepted findings, each with the
// reason it was accepted and the day the acceptance ends, applied to what a
// scan found. Expired entries cover nothing and become notices.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "doc/document.h"
#include "engine/scanner.h"
#include "rules/catalog.h"

namespace kg::cli {

struct AcceptedFinding {
  std::string rule;     // rule ID (slugs resolved on load)
  std::string object;   // glob over "Kind namespace/name" (or "Kind name"); "" matches every object
  std::string file;     // glob over the file path; "" matches every file
  std::string reason;   // required
  std::string expires;  // YYYY-MM-DD, "" for never
  std::string where;    // "file:line" of the entry, for messages

  bool matches(const rules::Finding& finding) const;
};

struct AcceptedFindings {
  std::vector<AcceptedFinding> entries;  // unexpired
  std::vector<std::string> notices;      // expired entries
  std::vector<doc::LoadError> errors;    // each names file, line and field

  // Marks covered findings suppressed ("accepted until DATE: reason"); returns
  // how many, by severity, were not suppressed before. With `today`
  // (YYYY-MM-DD), entries that expired before it cover nothing (a process
  // that runs for days, like the webhook, loads the file once).
  std::array<size_t, 5> apply(std::span<rules::Finding> findings, std::string_view today = {}) const;
};

// The accepted findings as the webhook applies them to each request
// (admission::Settings::accept), each entry until the end of its day (UTC).
std::function<void(std::span<rules::Finding>)> acceptance_filter(std::shared_ptr<const AcceptedFindings> accepted);

// Reads `path`; entries that expired before `today` (YYYY-MM-DD) become notices.
AcceptedFindings load_accepted_findings(const std::string& path, const rules::Catalog& catalog, std::string_view today);

// .kubeguardignore.yaml beside the configuration file in use, else in `start`
// or the nearest parent directory; "" when none.
std::string find_ignore_file(const std::string& config_path, const std::string& start);

}  // namespace kg::cli
