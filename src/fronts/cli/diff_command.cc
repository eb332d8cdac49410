#include <algorithm>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "engine/config.h"
#include "engine/drift/drift.h"
#include "fronts/cli/commands.h"
#include "fronts/cli/config_options.h"
#include "fronts/cli/formats.h"
#include "report/report.h"
#include "util/terminal_text.h"

namespace kg::cli {
namespace {

struct DiffOptions {
  std::vector<std::string> baseline;
  std::vector<std::string> live;
  std::string name_space = "default";
  std::string format = "text";
  std::string output;
  std::string fail_on;
  std::string config;
};

int fail(std::string_view message) {
  std::cerr << "kubeguard diff: " << message << '\n';
  return kExitError;
}

int run_diff(const DiffOptions& opts, const rules::Catalog& catalog) {
  auto format = report::parse_format(opts.format);
  if (!format)
    return fail(
        fmt::format("unknown format '{}' (text, json, sarif, junit, html, policyreport, openreports)", opts.format));
  auto stdin_count =
      std::count(opts.baseline.begin(), opts.baseline.end(), "-") + std::count(opts.live.begin(), opts.live.end(), "-");
  if (stdin_count > 1) return fail("standard input (-) can be read once, on one side only");

  FrontPolicy policy;
  auto loaded = load_config(ConfigOptions{opts.config, opts.fail_on, "", ""}, catalog, "kubeguard diff", &policy);
  if (!loaded) return kExitError;
  engine::Config& config = *loaded;

  engine::DiffRequest request{opts.baseline, opts.live, opts.name_space};
  engine::ScanResult result = engine::diff(request, config);
  apply_policy(policy, result);
  int code = exit_status(result, config, policy);
  report::ReportInput input{result, catalog, config.fail_on, code, "diff", policy.fail_never};
  if (opts.output.empty() || opts.output == "-") {
    report::write_report(*format, input, std::cout, use_color(stdout));
    std::cout.flush();
  } else {
    std::ofstream out(opts.output, std::ios::binary | std::ios::trunc);
    if (!out) return fail(fmt::format("cannot write {}", opts.output));
    report::write_report(*format, input, out, false);
    out.close();
    if (!out) return fail(fmt::format("error writing {}", opts.output));
  }
  // Errors also go to stderr in every format, so CI logs show them.
  if (*format != report::Format::Text) {
    for (const auto& e : result.errors)
      std::cerr << "kubeguard diff: " << util::terminal_safe(doc::format_error(e)) << '\n';
  }
  return code;
}

}  // namespace

void add_diff_command(CLI::App& app, const rules::Catalog& catalog, int& status) {
  auto opts = std::make_shared<DiffOptions>();
  CLI::App* cmd = app.add_subcommand(
      "diff", "Compare desired state (manifests) with live state (kubectl get -o yaml|json): DRIFT rules");
  cmd->add_option("--baseline", opts->baseline, "Manifests: files or directories (.yaml, .yml, .json), or -")
      ->required();
  cmd->add_option("--live", opts->live, "Live objects as kubectl prints them (single objects or Lists), or -")
      ->required();
  cmd->add_option("-n,--namespace", opts->name_space, "Namespace of manifests that name none")->capture_default_str();
  add_format_option(cmd, opts->format);
  cmd->add_option("-o,--output", opts->output, "Write the report to FILE instead of standard output");
  cmd->add_option(
      "--fail-on", opts->fail_on,
      "Exit 1 when a finding reaches this severity (critical, high, medium, low, info; none: never; default high)");
  cmd->add_option("--config", opts->config, "Configuration file (default: .kubeguard.yaml found upward)");
  cmd->callback([opts, &catalog, &status] { status = run_diff(*opts, catalog); });
}

}  // namespace kg::cli
