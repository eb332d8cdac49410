#include "report/report.h"

#include <cctype>
#include <string>

namespace kg::report {

std::optional<Format> parse_format(std::string_view given) {
  // Case does not matter (-f JSON works as -f json).
  std::string name(given);
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "text") return Format::Text;
  if (name == "json") return Format::Json;
  if (name == "sarif") return Format::Sarif;
  if (name == "junit") return Format::Junit;
  if (name == "html") return Format::Html;
  if (name == "policyreport") return Format::PolicyReport;
  if (name == "openreports") return Format::OpenReports;
  return std::nullopt;
}

void write_report(Format format, const ReportInput& input, std::ostream& out, bool color) {
  switch (format) {
    case Format::Text: write_text(input, out, color); break;
    case Format::Json: write_json(input, out); break;
    case Format::Sarif: write_sarif(input, out); break;
    case Format::Junit: write_junit(input, out); break;
    case Format::Html: write_html(input, out); break;
    case Format::PolicyReport: write_policy_report(input, out, false); break;
    case Format::OpenReports: write_policy_report(input, out, true); break;
  }
}

}  // namespace kg::report
