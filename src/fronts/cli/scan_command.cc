#include <unistd.h>

#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "engine/config.h"
#include "engine/scanner.h"
#include "fronts/cli/commands.h"
#include "fronts/cli/config_options.h"
#include "report/report.h"

namespace kg::cli {
namespace {

struct ScanOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string output;
  ConfigOptions config;
  unsigned threads = 0;
};

constexpr std::string_view kCmd = "kubeguard scan";

int run_scan(const ScanOptions& opts, const rules::Catalog& catalog) {
  auto format = report::parse_format(opts.format);
  if (!format) {
    std::cerr << fmt::format("{}: unknown format '{}' (text, json, sarif, junit)\n", kCmd, opts.format);
    return kExitError;
  }
  auto config = load_config(opts.config, catalog, kCmd);
  if (!config) return kExitError;

  std::ofstream file;
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
  }

  engine::ScanRequest request{opts.paths, opts.threads};
  engine::ScanResult result;
  int code = kExitOk;
  if (*format == report::Format::Json) {
    // JSON streams: findings are written as files finish, never all held.
    report::JsonReportStream stream(*out, catalog);
    result = engine::scan(request, catalog, *config, [&](std::span<const rules::Finding> f) { stream.add(f); });
    code = engine::exit_code(result, config->fail_on);
    stream.finish(result, config->fail_on, code);
  } else {
    // The other formats group findings (text by object, SARIF and JUnit by rule and file).
    result = engine::scan(request, catalog, *config);
    code = engine::exit_code(result, config->fail_on);
    report::write_report(*format, report::ReportInput{result, catalog, config->fail_on, code}, *out, color);
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
  if (*format != report::Format::Text) {
    for (const auto& e : result.errors) std::cerr << kCmd << ": " << doc::format_error(e) << '\n';
  }
  return code;
}

}  // namespace

void add_scan_command(CLI::App& app, const rules::Catalog& catalog, int& status) {
  auto opts = std::make_shared<ScanOptions>();
  CLI::App* cmd = app.add_subcommand("scan", "Scan manifests (files, directories, - for stdin)");
  cmd->add_option("paths", opts->paths, "Files or directories (.yaml, .yml, .json), or - for standard input")
      ->required();
  cmd->add_option("-f,--format", opts->format, "Output format: text, json, sarif, junit")->capture_default_str();
  cmd->add_option("-o,--output", opts->output, "Write the report to FILE instead of standard output");
  cmd->add_option("--fail-on", opts->config.fail_on,
                  "Exit 1 when a finding reaches this severity (critical, high, medium, low, info; default high)");
  cmd->add_option("--config", opts->config.config, "Configuration file (default: .kubeguard.yaml found upward)");
  cmd->add_option("--pss", opts->config.pss,
                  "Add Pod Security Standards checks: LEVEL[:VERSION], e.g. restricted:v1.30");
  cmd->add_option("--threads", opts->threads, "Worker threads (default: one per core, or KG_THREADS)");
  cmd->callback([opts, &catalog, &status] { status = run_scan(*opts, catalog); });
}

}  // namespace kg::cli
