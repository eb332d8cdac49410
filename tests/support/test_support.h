// Helpers shared by the tests: run rules over YAML text, find files of the corpus.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/config.h"
#include "engine/scanner.h"
#include "rules/catalog.h"
#include "rules/finding.h"

namespace kg::testing {

const rules::Catalog& catalog();

// Scans YAML (or JSON) text as if it were one file named `name`.
engine::ScanResult scan_text(std::string_view text, const engine::Config& config = {},
                             std::string_view name = "test.yaml");

// Findings of one rule only.
std::vector<rules::Finding> findings_of(std::string_view rule_id, std::string_view text,
                                        const engine::Config& config = {});

std::string corpus(std::string_view relative);  // absolute path under ../shared/corpus
std::string source(std::string_view relative);  // absolute path under the project root
std::string read_file(const std::string& path);

// Runs the kubeguard binary; returns its exit status and captures stdout.
int run_kubeguard(const std::string& args, std::string* stdout_text = nullptr);

}  // namespace kg::testing
