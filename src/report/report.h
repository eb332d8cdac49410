// Reporters: one per format, each a pure function of the scan result.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string_view>

#include "engine/scanner.h"
#include "rules/catalog.h"

namespace kg::report {

// PolicyReport: wgpolicyk8s.io/v1alpha2 PolicyReport and ClusterPolicyReport
// objects; OpenReports: the openreports.io/v1alpha1 Report and ClusterReport
// kinds Kyverno moved to. Both as a YAML stream, one report per namespace.
enum class Format : uint8_t { Text, Json, Sarif, Junit, Html, PolicyReport, OpenReports };

std::optional<Format> parse_format(std::string_view name);

struct ReportInput {
  const engine::ScanResult& result;
  const rules::Catalog& catalog;
  rules::Severity fail_on = rules::Severity::High;
  int exit_code = 0;
  // What was scanned, for reports that name it (HTML): "scan: k8s/", "cluster: prod".
  std::string_view subject = {};
  bool fail_never = false;  // --fail-on none
};

void write_text(const ReportInput& input, std::ostream& out, bool color);
void write_json(const ReportInput& input, std::ostream& out);
void write_sarif(const ReportInput& input, std::ostream& out);
void write_junit(const ReportInput& input, std::ostream& out);
void write_html(const ReportInput& input, std::ostream& out);
void write_policy_report(const ReportInput& input, std::ostream& out, bool open_reports);

void write_report(Format format, const ReportInput& input, std::ostream& out, bool color);

// The JSON report written as findings arrive (engine::scan with a sink):
// findings first, then errors, notices and the summary, as write_json.
class JsonReportStream {
 public:
  JsonReportStream(std::ostream& out, const rules::Catalog& catalog);
  ~JsonReportStream();
  JsonReportStream(const JsonReportStream&) = delete;
  JsonReportStream& operator=(const JsonReportStream&) = delete;

  void add(std::span<const rules::Finding> findings);
  // `result` supplies errors, notices and the summary; its findings are not read.
  void finish(const engine::ScanResult& result, rules::Severity fail_on, int exit_code, bool fail_never = false);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kg::report
