// Reporters: one per format, each a pure function of the scan result.
#pragma once

#include <optional>
#include <ostream>
#include <string_view>

#include "engine/scanner.h"
#include "rules/catalog.h"

namespace kg::report {

enum class Format : uint8_t { Text, Json, Sarif, Junit };

std::optional<Format> parse_format(std::string_view name);

struct ReportInput {
  const engine::ScanResult& result;
  const rules::Catalog& catalog;
  rules::Severity fail_on = rules::Severity::High;
  int exit_code = 0;
};

void write_text(const ReportInput& input, std::ostream& out, bool color);
void write_json(const ReportInput& input, std::ostream& out);
void write_sarif(const ReportInput& input, std::ostream& out);
void write_junit(const ReportInput& input, std::ostream& out);

void write_report(Format format, const ReportInput& input, std::ostream& out, bool color);

}  // namespace kg::report
