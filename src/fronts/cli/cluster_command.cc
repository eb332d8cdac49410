#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cluster/api_client.h"
#include "cluster/cluster_scan.h"
#include "cluster/kubeconfig.h"
#include "engine/config.h"
#include "engine/scanner.h"
#include "fronts/cli/commands.h"
#include "fronts/cli/config_options.h"
#include "report/report.h"

namespace kg::cli {
namespace {

struct ClusterScanOptions {
  std::string kubeconfig;
  std::string context;
  std::string name_space;
  bool in_cluster = false;
  std::string format = "text";
  std::string output;
  ConfigOptions config;
  long timeout_seconds = 60;
};

constexpr std::string_view kCmd = "kubeguard cluster scan";

int fail(std::string_view message) {
  std::cerr << kCmd << ": " << message << '\n';
  return kExitError;
}

int write_output(report::Format format, const report::ReportInput& input, const std::string& output) {
  if (output.empty() || output == "-") {
    report::write_report(format, input, std::cout, use_color(stdout));
    std::cout.flush();
    return kExitOk;
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  if (!out) return fail(fmt::format("cannot write {}", output));
  report::write_report(format, input, out, false);
  out.close();
  if (!out) return fail(fmt::format("error writing {}", output));
  return kExitOk;
}

int run_cluster_scan(const ClusterScanOptions& opts, const rules::Catalog& catalog) {
  auto format = report::parse_format(opts.format);
  if (!format) return fail(fmt::format("unknown format '{}' (text, json, sarif, junit)", opts.format));
  if (!opts.name_space.empty() && !cluster::valid_namespace_name(opts.name_space)) {
    return fail(fmt::format("-n '{}' is not a valid namespace name", opts.name_space));
  }
  auto config = load_config(opts.config, catalog, kCmd);
  if (!config) return kExitError;

  cluster::ConfigRequest request;
  request.kubeconfig = opts.kubeconfig;
  request.context = opts.context;
  request.in_cluster = opts.in_cluster;
  auto rest = cluster::resolve_config(request, cluster::Environment::from_process());
  if (!rest) return fail(rest.error().message);
  cluster::HttpOptions http;
  http.request_timeout_seconds = opts.timeout_seconds;
  auto client = cluster::ApiClient::connect(*rest, http);
  if (!client) return fail(client.error().message);

  cluster::ClusterScanRequest scan{fmt::format("cluster:{}", rest->context), opts.name_space};
  engine::ScanResult result = cluster::scan_cluster(*client, scan, catalog, *config);
  for (const auto& note : rest->notes) result.notices.push_back(note);
  int code = engine::exit_code(result, config->fail_on);
  report::ReportInput input{result, catalog, config->fail_on, code};
  if (int written = write_output(*format, input, opts.output); written != kExitOk) return written;
  // Errors also go to stderr in every format, so CI logs show them.
  if (*format != report::Format::Text) {
    for (const auto& e : result.errors) std::cerr << kCmd << ": " << doc::format_error(e) << '\n';
  }
  return code;
}

}  // namespace

void add_cluster_command(CLI::App& app, const rules::Catalog& catalog, int& status) {
  CLI::App* cluster = app.add_subcommand("cluster", "Work against a live cluster through its API server");
  cluster->require_subcommand(1);
  auto opts = std::make_shared<ClusterScanOptions>();
  CLI::App* cmd = cluster->add_subcommand(
      "scan", "Scan every workload, RBAC object, network policy and webhook configuration of a cluster");
  cmd->add_option("--kubeconfig", opts->kubeconfig,
                  "Kubeconfig file (default: the first file of $KUBECONFIG, then ~/.kube/config, then the "
                  "in-cluster service account)");
  cmd->add_option("--context", opts->context, "Context of the kubeconfig to use (default: current-context)");
  cmd->add_option("-n,--namespace", opts->name_space,
                  "Only this namespace (default: all namespaces and the cluster-scoped resources)");
  cmd->add_flag("--in-cluster", opts->in_cluster,
                "Use the pod's service account (token, ca.crt) and KUBERNETES_SERVICE_HOST");
  cmd->add_option("-f,--format", opts->format, "Output format: text, json, sarif, junit")->capture_default_str();
  cmd->add_option("-o,--output", opts->output, "Write the report to FILE instead of standard output");
  cmd->add_option("--fail-on", opts->config.fail_on,
                  "Exit 1 when a finding reaches this severity (critical, high, medium, low, info; default high)");
  cmd->add_option("--config", opts->config.config, "Configuration file (default: .kubeguard.yaml found upward)");
  cmd->add_option("--pss", opts->config.pss,
                  "Add Pod Security Standards checks: LEVEL[:VERSION], e.g. restricted:v1.30");
  cmd->add_option("--request-timeout", opts->timeout_seconds, "Seconds allowed for each request to the API server")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->callback([opts, &catalog, &status] { status = run_cluster_scan(*opts, catalog); });
  add_cluster_watch_command(*cluster, catalog, status);
}

}  // namespace kg::cli
