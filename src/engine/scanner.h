// The scan engine: sources -> objects -> rules -> findings, files in parallel,
// results in input order whatever the thread count.
#pragma once

#include <array>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "engine/config.h"
#include "rules/catalog.h"
#include "rules/finding.h"
#include "rules/inventory.h"

namespace kg::engine {

struct Summary {
  size_t files = 0;
  size_t excluded_files = 0;
  size_t documents = 0;
  size_t objects = 0;
  size_t skipped_documents = 0;  // no apiVersion/kind
  size_t errors = 0;
  size_t suppressed = 0;
  std::array<size_t, 5> by_severity{};  // unsuppressed findings, indexed by Severity

  size_t findings() const;
};

struct ScanResult {
  std::vector<rules::Finding> findings;
  std::vector<doc::LoadError> errors;
  std::vector<std::string> notices;  // things the reader should know, e.g. a rule that could not run
  Summary summary;
};

void summarize(ScanResult& result);

// One notice per enabled rule that cannot report anything under this configuration.
std::vector<std::string> inactive_rule_notices(const rules::Catalog& catalog, const Config& config);

// How far a scan is, for a progress line: handed on the calling thread after
// each file (in input order) and once before the first, with files_done 0.
struct ScanProgress {
  size_t files_done = 0;
  size_t files_total = 0;
  size_t findings = 0;  // unsuppressed, so far
};

struct ScanRequest {
  std::vector<std::string> inputs;  // files, directories, "-"
  unsigned threads = 0;             // 0: one per core
  // Optional: told how far the scan is, for a progress line.
  std::function<void(const ScanProgress&)> progress = {};
};

ScanResult scan(const ScanRequest& request, const rules::Catalog& catalog, const Config& config);

// Receives findings as they are made, in the same order scan() returns them:
// file by file in input order, then the findings of the inventory rules.
using FindingSink = std::function<void(std::span<const rules::Finding> findings)>;

// The same scan, handing findings to `sink` instead of keeping them: memory
// holds the files being worked on and the inventory facts, not every finding.
// The result's summary counts them; its findings vector stays empty.
ScanResult scan(const ScanRequest& request, const rules::Catalog& catalog, const Config& config,
                const FindingSink& sink);

// Exit status for CI: 0 below the threshold, 1 findings at or above it, 2 errors.
int exit_code(const ScanResult& result, rules::Severity fail_on);

}  // namespace kg::engine
