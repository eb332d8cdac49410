#include <unistd.h>

#include <array>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "engine/config.h"
#include "engine/scanner.h"
#include "fronts/cli/commands.h"
#include "fronts/cli/config_options.h"
#include "fronts/cli/formats.h"
#include "fronts/cli/image_verifier.h"
#include "fronts/cli/progress_line.h"
#include "fronts/cli/render_inputs.h"
#include "report/report.h"
#include "util/terminal_text.h"

namespace kg::cli {
namespace {

struct ScanOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string output;
  ConfigOptions config;
  unsigned threads = 0;
  bool quiet = false;
  bool verify_images = false;
  InspectFlags inspect;
};

constexpr std::string_view kCmd = "kubeguard scan";

// A scan that read no file is an error: a CI job with a wrong path must not
// pass because nothing was there to find.
void note_nothing_read(engine::ScanResult& result, const std::vector<std::string>& paths) {
  if (result.summary.files > 0 || !result.errors.empty()) return;
  std::string names;
  for (const auto& p : paths) names += (names.empty() ? "" : " ") + p;
  std::string why = result.summary.excluded_files > 0
                        ? fmt::format(" ({} excluded by excludedPaths)", result.summary.excluded_files)
                        : std::string();
  result.errors.push_back(doc::LoadError{
      doc::ErrorCode::Io,
      names,
      {},
      fmt::format("no manifest file was read{} (directories are searched for .yaml, .yml and .json files)", why)});
  result.summary.errors = result.errors.size();
}

int run_scan(const ScanOptions& opts, const rules::Catalog& catalog) {
  auto format = report::parse_format(opts.format);
  if (!format) {
    std::cerr << fmt::format("{}: unknown format '{}' (text, json, sarif, junit, html, policyreport, openreports)\n",
                             kCmd, opts.format);
    return kExitError;
  }
  FrontPolicy policy;
  auto config = load_config(opts.config, catalog, kCmd, &policy);
  if (!config) return kExitError;
  // The network is used only when asked: the signature rules stay inactive otherwise.
  std::unique_ptr<supply::ImageVerifier> verifier;
  if (opts.verify_images || opts.inspect.inspect) {
    verifier = make_image_verifier(*config, kCmd, &opts.inspect);
    if (!verifier) return kExitError;
    config->settings.image_trust = verifier.get();
  }

  std::ofstream file;
  std::ostringstream discard;  // -q without -o: the report goes nowhere, the exit status says it
  std::ostream* out = &std::cout;
  bool color = use_color(stdout);
  if (!opts.output.empty() && opts.output != "-") {
    file.open(opts.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << fmt::format("{}: cannot write {}\n", kCmd, opts.output);
      return kExitError;
    }
    out = &file;
    color = false;
  } else if (opts.quiet) {
    out = &discard;
  }

  // Charts and kustomizations are scanned as they render.
  RenderedInputs rendered;
  render_inputs(opts.paths, rendered);
  for (const auto& pattern : rendered.excluded) config->excluded_paths.push_back(pattern);
  auto finish_result = [&](engine::ScanResult& r) {
    rendered.rename(r.findings);
    rendered.rename(r.errors);
    r.errors.insert(r.errors.begin(), rendered.errors.begin(), rendered.errors.end());
    r.summary.errors = r.errors.size();
    note_nothing_read(r, opts.paths);
  };

  // A person at a terminal sees how far a long scan is; pipes and CI logs never do.
  ProgressLine progress(progress_style(opts.quiet, *format == report::Format::Json && out == &std::cout), std::cerr);
  engine::ScanRequest request{rendered.paths, opts.threads,
                              [&progress](const engine::ScanProgress& p) { progress.update(p); }};
  engine::ScanResult result;
  int code = kExitOk;
  if (*format == report::Format::Json) {
    // JSON streams: findings are written as files finish, never all held.
    report::JsonReportStream stream(*out, catalog);
    std::vector<rules::Finding> changed;
    std::array<size_t, 5> accepted{};
    const bool accepting = !policy.accepted.entries.empty();
    result = engine::scan(request, catalog, *config, [&](std::span<const rules::Finding> f) {
      if (!rendered.renames_anything() && !accepting) {
        stream.add(f);
        return;
      }
      changed.assign(f.begin(), f.end());
      rendered.rename(changed);
      auto moved = policy.accepted.apply(changed);
      for (size_t i = 0; i < moved.size(); ++i) accepted[i] += moved[i];
      stream.add(changed);
    });
    // The engine counted the findings before the ignore file accepted some.
    for (size_t i = 0; i < accepted.size(); ++i) {
      result.summary.by_severity[i] -= accepted[i];
      result.summary.suppressed += accepted[i];
    }
    progress.clear();
    result.notices.insert(result.notices.end(), policy.accepted.notices.begin(), policy.accepted.notices.end());
    finish_result(result);
    code = exit_status(result, *config, policy);
    stream.finish(result, config->fail_on, code, policy.fail_never);
  } else {
    // The other formats group findings (text by object, SARIF and JUnit by rule and file).
    result = engine::scan(request, catalog, *config);
    progress.clear();
    finish_result(result);
    apply_policy(policy, result);
    code = exit_status(result, *config, policy);
    std::string subject = "scan:";
    for (const auto& p : opts.paths) subject += " " + p;
    report::write_report(
        *format, report::ReportInput{result, catalog, config->fail_on, code, subject, policy.fail_never}, *out, color);
  }
  out->flush();
  if (file.is_open()) {
    file.close();
    if (!file) {
      std::cerr << fmt::format("{}: error writing {}\n", kCmd, opts.output);
      return kExitError;
    }
  }
  // Errors also go to stderr in every format, so CI logs show them.
  if (*format != report::Format::Text || out == &discard) {
    for (const auto& e : result.errors) std::cerr << kCmd << ": " << util::terminal_safe(doc::format_error(e)) << '\n';
  }
  return code;
}

}  // namespace

void add_scan_command(CLI::App& app, const rules::Catalog& catalog, int& status) {
  auto opts = std::make_shared<ScanOptions>();
  CLI::App* cmd = app.add_subcommand("scan", "Scan manifests (files, directories, - for stdin)");
  cmd->add_option("paths", opts->paths, "Files or directories (.yaml, .yml, .json), or - for standard input")
      ->required();
  add_format_option(cmd, opts->format);
  cmd->add_option("-o,--output", opts->output, "Write the report to FILE instead of standard output");
  cmd->add_option(
      "--fail-on", opts->config.fail_on,
      "Exit 1 when a finding reaches this severity (critical, high, medium, low, info; none: never; default high)");
  cmd->add_option("--config", opts->config.config, "Configuration file (default: .kubeguard.yaml found upward)");
  cmd->add_option("--ignore-file", opts->config.ignore_file,
                  "Accepted findings with reason and expiry (default: .kubeguardignore.yaml beside the configuration "
                  "or found upward)");
  cmd->add_option("--pss", opts->config.pss,
                  "Add Pod Security Standards checks: LEVEL[:VERSION], e.g. restricted:v1.30");
  cmd->add_flag("-q,--quiet", opts->quiet,
                "Write no report to standard output (errors still go to standard error; -o still writes the file)");
  cmd->add_flag("--verify-images", opts->verify_images,
                "Verify each image at its registry under imagePolicies (KG-IMG-005..009; uses the network)");
  add_inspect_flags(cmd, opts->inspect);
  cmd->add_option("--threads", opts->threads, "Worker threads (default: one per core, or KG_THREADS)");
  cmd->callback([opts, &catalog, &status] { status = run_scan(*opts, catalog); });
}

}  // namespace kg::cli
