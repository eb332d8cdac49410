#include "report/report.h"

namespace kg::report {

std::optional<Format> parse_format(std::string_view name) {
  if (name == "text") return Format::Text;
  if (name == "json") return Format::Json;
  if (name == "sarif") return Format::Sarif;
  if (name == "junit") return Format::Junit;
  return std::nullopt;
}

void write_report(Format format, const ReportInput& input, std::ostream& out, bool color) {
  switch (format) {
    case Format::Text: write_text(input, out, color); break;
    case Format::Json: write_json(input, out); break;
    case Format::Sarif: write_sarif(input, out); break;
    case Format::Junit: write_junit(input, out); break;
  }
}

}  // namespace kg::report
