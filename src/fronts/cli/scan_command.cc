#include <unistd.h>

#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "engine/config.h"
#include "engine/scanner.h"
#include "fronts/cli/commands.h"
#include "report/report.h"

namespace kg::cli {
namespace {

struct ScanOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string output;
  std::string fail_on;
  std::string config;
  std::string pss;
  unsigned threads = 0;
};

int run_scan(const ScanOptions& opts, const rules::Catalog& catalog) {
  auto format = report::parse_format(opts.format);
  if (!format) {
    std::cerr << fmt::format("kubeguard scan: unknown format '{}' (text, json, sarif, junit)\n", opts.format);
    return kExitError;
  }
  std::string config_path = opts.config.empty() ? engine::find_config_upward(".") : opts.config;
  engine::ConfigResult loaded;
  if (!config_path.empty()) loaded = engine::load_config_file(config_path, catalog);
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) std::cerr << "kubeguard scan: " << doc::format_error(e) << '\n';
    return kExitError;
  }
  engine::Config& config = loaded.config;
  if (!opts.fail_on.empty()) {
    auto s = rules::parse_severity(opts.fail_on);
    if (!s) {
      std::cerr << fmt::format("kubeguard scan: --fail-on '{}' is not one of critical, high, medium, low, info\n",
                               opts.fail_on);
      return kExitError;
    }
    config.fail_on = *s;
  }
  if (!opts.pss.empty()) {
    auto policy = pss::parse_policy(opts.pss);
    if (!policy) {
      std::cerr << fmt::format("kubeguard scan: --pss '{}' is not LEVEL[:VERSION] (e.g. restricted:v1.30)\n",
                               opts.pss);
      return kExitError;
    }
    config.settings.pss = policy;
  }

  engine::ScanRequest request{opts.paths, opts.threads};
  engine::ScanResult result = engine::scan(request, catalog, config);
  int code = engine::exit_code(result, config.fail_on);
  report::ReportInput input{result, catalog, config.fail_on, code};
  if (opts.output.empty() || opts.output == "-") {
    report::write_report(*format, input, std::cout, use_color(stdout));
    std::cout.flush();
  } else {
    std::ofstream out(opts.output, std::ios::binary | std::ios::trunc);
    if (!out) {
      std::cerr << fmt::format("kubeguard scan: cannot write {}\n", opts.output);
      return kExitError;
    }
    report::write_report(*format, input, out, false);
    out.close();
    if (!out) {
      std::cerr << fmt::format("kubeguard scan: error writing {}\n", opts.output);
      return kExitError;
    }
  }
  // Errors also go to stderr in every format, so CI logs show them.
  if (*format != report::Format::Text) {
    for (const auto& e : result.errors) std::cerr << "kubeguard scan: " << doc::format_error(e) << '\n';
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
  cmd->add_option("--fail-on", opts->fail_on,
                  "Exit 1 when a finding reaches this severity (critical, high, medium, low, info; default high)");
  cmd->add_option("--config", opts->config, "Configuration file (default: .kubeguard.yaml found upward)");
  cmd->add_option("--pss", opts->pss, "Add Pod Security Standards checks: LEVEL[:VERSION], e.g. restricted:v1.30");
  cmd->add_option("--threads", opts->threads, "Worker threads (default: one per core, or KG_THREADS)");
  cmd->callback([opts, &catalog, &status] { status = run_scan(*opts, catalog); });
}

}  // namespace kg::cli
