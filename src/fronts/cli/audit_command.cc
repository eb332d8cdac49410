// `kubeguard audit`: API server audit logs in, alerts out (text or JSON lines).
#include <chrono>
#include <csignal>
#include <iostream>

#include <fmt/format.h>

#include "audit/alert_writer.h"
#include "audit/detector.h"
#include "audit/stream.h"
#include "engine/config.h"
#include "fronts/cli/commands.h"
#include "fronts/cli/config_options.h"

namespace kg::cli {
namespace {

struct AuditOptions {
  std::vector<std::string> inputs;
  bool follow = false;
  std::string format = "text";
  std::string since;
  std::string config;
  std::string fail_on;
  unsigned window_s = 600;
  size_t max_line = size_t{16} << 20;
  bool quiet = false;
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
  if (opts.format != "text" && opts.format != "json")
    return fail(fmt::format("unknown format '{}' (text, json)", opts.format));
  std::vector<std::string> inputs = opts.inputs.empty() ? std::vector<std::string>{"-"} : opts.inputs;
  if (opts.follow && inputs.size() != 1) return fail("--follow reads one file");

  auto loaded = load_config(ConfigOptions{opts.config, opts.fail_on, ""}, catalog, "kubeguard audit");
  if (!loaded) return kExitError;
  engine::Config& config = *loaded;
  audit::DetectorOptions detector_options;
  detector_options.correlation_window_us = int64_t{opts.window_s} * 1'000'000;
  if (!opts.since.empty()) {
    detector_options.since_us = parse_since(opts.since);
    if (!detector_options.since_us) {
      return fail(fmt::format("--since '{}' is neither an RFC 3339 time nor a duration like 30m, 2h, 7d", opts.since));
    }
  }
  const rules::Severity fail_on = config.fail_on;
  audit::Detector detector(catalog, std::move(config), detector_options);

  const bool json = opts.format == "json";
  const bool color = !json && use_color(stdout);
  audit::AlertSink on_alert = [&](const audit::Alert& alert) {
    if (json) audit::write_alert_json(std::cout, alert, detector.title(alert.rule_id));
    else audit::write_alert_text(std::cout, alert, detector.title(alert.rule_id), color);
    if (opts.follow) std::cout.flush();
  };
  uint64_t problems = 0;
  audit::ProblemSink on_problem = [&](const std::string& message) {
    ++problems;
    std::cerr << "kubeguard audit: " << message << '\n';
  };

  audit::LineReaderOptions reader;
  reader.max_line = opts.max_line;
  reader.follow = opts.follow;
  if (opts.follow) {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    reader.stop = [] { return g_interrupted != 0; };
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
  std::cout.flush();
  if (!opts.quiet) {
    const auto& a = total.alerts_by_severity;
    std::cerr << fmt::format(
        "kubeguard audit: {} events in {} lines ({} bytes); {} alerts (critical {}, high {}, medium {}, low {}, info "
        "{}); {} suppressed; {} malformed, {} oversized\n",
        total.events, total.lines, total.bytes, total.alerts(), a[4], a[3], a[2], a[1], a[0], total.suppressed,
        total.malformed, total.oversized);
  }
  if (errors || total.malformed > 0 || total.oversized > 0) return kExitError;
  for (size_t i = static_cast<size_t>(fail_on); i < total.alerts_by_severity.size(); ++i) {
    if (total.alerts_by_severity[i] > 0) return kExitFindings;
  }
  return kExitOk;
}

}  // namespace

void add_audit_command(CLI::App& app, const rules::Catalog& catalog, int& status) {
  auto opts = std::make_shared<AuditOptions>();
  CLI::App* cmd = app.add_subcommand(
      "audit",
      "Detect injection and its precursors in API server audit logs (JSON lines, EventList, GKE, AKS): AUD rules");
  cmd->add_option("inputs", opts->inputs, "Audit log files, or - for standard input (the default)");
  cmd->add_flag("--follow", opts->follow, "Keep reading the file as it grows, across rotation (like tail -F)");
  cmd->add_option("-f,--format", opts->format, "Output: text, or json (one alert object per line)")
      ->capture_default_str();
  cmd->add_option("--since", opts->since,
                  "Alert only on events from this time: RFC 3339, or a duration back (30m, 2h, 7d)");
  cmd->add_option("--config", opts->config, "Configuration file (default: .kubeguard.yaml found upward)");
  cmd->add_option("--fail-on", opts->fail_on,
                  "Exit 1 when an alert reaches this severity (critical, high, medium, low, info; default high)");
  cmd->add_option("--window", opts->window_s, "Correlation window in seconds (exec then service-account write)")
      ->capture_default_str();
  cmd->add_option("--max-line", opts->max_line, "Longest line read, in bytes; longer lines are skipped")
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", opts->quiet, "No summary on standard error");
  cmd->callback([opts, &catalog, &status] { status = run_audit(*opts, catalog); });
}

}  // namespace kg::cli
