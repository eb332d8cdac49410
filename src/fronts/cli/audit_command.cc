// `kubeguard audit`: API server audit logs in, alerts out (text or JSON lines).
#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "audit/alert_writer.h"
#include "audit/detector.h"
#include "audit/stream.h"
#include "engine/config.h"
#include "fronts/cli/commands.h"
#include "fronts/cli/config_options.h"
#include "fronts/cli/formats.h"
#include "fronts/cli/habits.h"
#include "fronts/cli/image_verifier.h"
#include "report/report.h"
#include "util/redact.h"
#include "util/terminal_text.h"

namespace kg::cli {
namespace {

struct AuditOptions {
  std::vector<std::string> inputs;
  bool follow = false;
  std::string format = "text";
  std::string since;
  std::string config;
  std::string fail_on;
  std::string min_severity = "info";
  unsigned window_s = 600;
  size_t max_line = size_t{16} << 20;
  bool quiet = false;
  bool verify_images = false;
  InspectFlags inspect;
};

int fail(std::string_view message) {
  std::cerr << "kubeguard audit: " << message << '\n';
  return kExitError;
}

// RFC 3339 ("2026-01-02T15:04:05Z") or a duration back from now ("30s", "15m", "2h", "7d").
std::optional<int64_t> parse_since(std::string_view text) {
  if (auto t = audit::parse_time(text)) return t;
  if (text.size() < 2) return std::nullopt;
  int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return std::nullopt;
  }
  int64_t count = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    count = count * 10 + (c - '0');
  }
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
                 .count();
  return now - count * unit * 1'000'000;
}

volatile std::sig_atomic_t g_interrupted = 0;  // set by SIGINT/SIGTERM while following

void on_signal(int) { g_interrupted = 1; }

int run_audit(const AuditOptions& opts, const rules::Catalog& catalog) {
  const FormatRow* row = find_format("audit", opts.format);
  if (row == nullptr) return fail(fmt::format("unknown format '{}'", opts.format));
  // Streaming formats are written alert by alert; the others are one
  // document, written when the input ends.
  const bool whole_report = !row->streams;
  std::vector<std::string> inputs = opts.inputs.empty() ? std::vector<std::string>{"-"} : opts.inputs;
  if (opts.follow && inputs.size() != 1) return fail("--follow reads one file");
  if (opts.follow && whole_report) {
    std::vector<std::string_view> streaming;
    for (const FormatRow* f : formats_of("audit")) {
      if (f->streams) streaming.push_back(f->name);
    }
    return fail(
        fmt::format("--follow writes alerts as they come: {}, not {}", fmt::join(streaming, " or "), opts.format));
  }

  auto min_severity = parse_min_severity(opts.min_severity, "kubeguard audit");
  if (!min_severity) return kExitError;
  FrontPolicy policy;
  auto loaded = load_config(ConfigOptions{opts.config, opts.fail_on, "", ""}, catalog, "kubeguard audit", &policy);
  if (!loaded) return kExitError;
  engine::Config& config = *loaded;
  // The images of each pod or template an event creates or changes are
  // verified as scan verifies them (KG-IMG-005..013): the same verifier, its
  // caches answering the next events that name the same image.
  std::unique_ptr<supply::ImageVerifier> verifier;
  if (opts.verify_images || opts.inspect.inspect) {
    verifier = make_image_verifier(config, "kubeguard audit", &opts.inspect);
    if (!verifier) return kExitError;
    config.settings.image_trust = verifier.get();
  }
  audit::DetectorOptions detector_options;
  detector_options.correlation_window_us = int64_t{opts.window_s} * 1'000'000;
  if (!opts.since.empty()) {
    detector_options.since_us = parse_since(opts.since);
    if (!detector_options.since_us) {
      return fail(fmt::format("--since '{}' is neither an RFC 3339 time nor a duration like 30m, 2h, 7d", opts.since));
    }
  }
  const rules::Severity fail_on = config.fail_on;
  const bool fail_never = policy.fail_never;
  audit::Detector detector(catalog, std::move(config), detector_options);
  if (!detector.settings_errors().empty()) {
    for (const auto& e : detector.settings_errors()) std::cerr << "kubeguard audit: " << doc::format_error(e) << '\n';
    return kExitError;
  }

  const bool json = opts.format == "json";
  const bool color = !json && !whole_report && use_color(stdout);
  bool output_failed = false;  // alerts no longer reach the reader: stop following
  engine::ScanResult whole;    // sarif, junit: the alerts as findings, written at the end
  uint64_t below_min = 0;      // left out by --min-severity
  audit::AlertSink on_alert = [&](const audit::Alert& alert) {
    if (alert.severity < *min_severity) {
      ++below_min;
      return;
    }
    if (whole_report) whole.findings.push_back(audit::finding_of(alert));
    else if (json) audit::write_alert_json(std::cout, alert, detector.title(alert.rule_id));
    else audit::write_alert_text(std::cout, alert, detector.title(alert.rule_id), color);
    if (opts.follow) std::cout.flush();
    output_failed = output_failed || !std::cout;
  };
  uint64_t problems = 0;
  audit::ProblemSink on_problem = [&](const std::string& message) {
    ++problems;
    std::cerr << "kubeguard audit: " << util::terminal_safe(message) << '\n';
    // The report names each one too ("file:line: what", said as a whole).
    if (whole_report) whole.errors.push_back(doc::LoadError{doc::ErrorCode::JsonSyntax, "", {}, util::redact(message)});
  };

  audit::LineReaderOptions reader;
  reader.max_line = opts.max_line;
  reader.follow = opts.follow;
  if (opts.follow) {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    reader.stop = [&output_failed] { return g_interrupted != 0 || output_failed; };
  }

  audit::StreamStats total;
  bool errors = false;
  for (const auto& input : inputs) {
    audit::StreamStats s = audit::run_stream(input, detector, reader, on_alert, on_problem);
    total.lines += s.lines;
    total.bytes += s.bytes;
    total.events += s.events;
    total.malformed += s.malformed;
    total.oversized += s.oversized;
    total.suppressed += s.suppressed;
    for (size_t i = 0; i < s.alerts_by_severity.size(); ++i) total.alerts_by_severity[i] += s.alerts_by_severity[i];
    errors = errors || s.read_error;
  }
  int code = kExitOk;
  if (errors || total.malformed > 0 || total.oversized > 0) {
    code = kExitError;
  } else if (!fail_never) {
    // What --min-severity leaves out is not shown, so it does not fail the run either.
    for (size_t i = static_cast<size_t>(std::max(fail_on, *min_severity)); i < total.alerts_by_severity.size(); ++i) {
      if (total.alerts_by_severity[i] > 0) code = kExitFindings;
    }
  }
  if (whole_report) {
    whole.summary.files = inputs.size();
    whole.summary.documents = total.events;
    whole.summary.objects = total.events;
    engine::summarize(whole);
    const report::ReportInput input{whole, catalog, fail_on, code, "audit", fail_never};
    if (opts.format == "sarif") report::write_sarif(input, std::cout);
    else report::write_junit(input, std::cout);
  }
  std::cout.flush();
  if (output_failed || !std::cout) return fail("error writing the alerts to standard output");
  if (!opts.quiet) {
    const auto& a = total.alerts_by_severity;
    std::cerr << fmt::format(
        "kubeguard audit: {} events in {} lines ({} bytes); {} alerts (critical {}, high {}, medium {}, low {}, info "
        "{}); {} suppressed; {} malformed, {} oversized{}\n",
        total.events, total.lines, total.bytes, total.alerts(), a[4], a[3], a[2], a[1], a[0], total.suppressed,
        total.malformed, total.oversized,
        below_min > 0 ? fmt::format("; {} below --min-severity not shown", below_min) : std::string());
  }
  return code;
}

}  // namespace

void add_audit_command(CLI::App& app, const rules::Catalog& catalog, int& status) {
  auto opts = std::make_shared<AuditOptions>();
  CLI::App* cmd = app.add_subcommand(
      "audit",
      "Detect injection and its precursors in API server audit logs (JSON lines, EventList, GKE, AKS): AUD rules");
  cmd->add_option("inputs", opts->inputs, "Audit log files, or - for standard input (the default)");
  cmd->add_flag("--follow", opts->follow, "Keep reading the file as it grows, across rotation (like tail -F)");
  add_format_option(cmd, opts->format);
  cmd->add_option("--since", opts->since,
                  "Alert only on events from this time: RFC 3339, or a duration back (30m, 2h, 7d)");
  cmd->add_option("--config", opts->config, "Configuration file (default: .kubeguard.yaml found upward)");
  cmd->add_option("--fail-on", opts->fail_on,
                  "Exit 1 when an alert reaches this severity (critical, high, medium, low, info; default high)");
  cmd->add_option("--min-severity", opts->min_severity,
                  "Write alerts of this severity and above (critical, high, medium, low, info); the others are "
                  "counted in the summary but neither written nor failing the run")
      ->capture_default_str();
  cmd->add_option("--window", opts->window_s, "Correlation window in seconds (exec then service-account write)")
      ->capture_default_str();
  cmd->add_option("--max-line", opts->max_line, "Longest line read, in bytes; longer lines are skipped")
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", opts->quiet, "No summary on standard error");
  cmd->add_flag("--verify-images", opts->verify_images,
                "Verify the images of each pod or pod template an event creates or changes at their registry under "
                "imagePolicies (KG-IMG-005..009; uses the network)");
  add_inspect_flags(cmd, opts->inspect);
  cmd->callback([opts, &catalog, &status] { status = run_audit(*opts, catalog); });
}

}  // namespace kg::cli
