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
#include "fronts/cli/formats.h"
#include "fronts/cli/image_verifier.h"
#include "report/policy_report.h"
#include "report/report.h"
#include "util/terminal_text.h"

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
  bool verify_images = false;
  InspectFlags inspect;
  long timeout_seconds = 60;
  std::string write_reports;  // "", "policyreport" or "openreports"
  std::string as_user;
  bool quiet = false;
  std::vector<std::string> as_groups;
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

// Applies one report per namespace with server-side apply, so a later scan
// replaces its own report and leaves fields other managers own alone.
int write_reports_to_cluster(cluster::ApiClient& client, const report::ReportInput& input, bool open_reports) {
  int written = 0;
  for (const auto& r : report::policy_reports(input, open_reports)) {
    std::string path = r.name_space.empty() ? fmt::format("/apis/{}/{}/{}", r.api_version, r.resource, r.name)
                                            : fmt::format("/apis/{}/namespaces/{}/{}/{}", r.api_version, r.name_space,
                                                          r.resource, r.name);
    auto answer =
        client.send("PATCH", path + "?fieldManager=kubeguard&force=true", "application/apply-patch+yaml", r.json);
    if (!answer) return fail(answer.error().message);
    if (answer->status < 200 || answer->status > 299) {
      return fail(cluster::http_error(
                      fmt::format("writing {} {}", r.kind, r.name_space.empty() ? r.name : r.name_space + "/" + r.name),
                      *answer)
                      .message);
    }
    ++written;
  }
  std::cerr << fmt::format("{}: wrote {} {} object(s)\n", kCmd, written,
                           open_reports ? "openreports.io" : "wgpolicyk8s.io");
  return kExitOk;
}

int run_cluster_scan(const ClusterScanOptions& opts, const rules::Catalog& catalog) {
  auto format = report::parse_format(opts.format);
  if (!format)
    return fail(
        fmt::format("unknown format '{}' (text, json, sarif, junit, html, policyreport, openreports)", opts.format));
  if (!opts.name_space.empty() && !cluster::valid_namespace_name(opts.name_space)) {
    return fail(fmt::format("-n '{}' is not a valid namespace name", opts.name_space));
  }
  FrontPolicy policy;
  auto config = load_config(opts.config, catalog, kCmd, &policy);
  if (!config) return kExitError;
  // What runs is verified: a Pod's image digest from its container status.
  std::unique_ptr<supply::ImageVerifier> verifier;
  if (opts.verify_images || opts.inspect.inspect) {
    verifier = make_image_verifier(*config, kCmd, &opts.inspect);
    if (!verifier) return kExitError;
    config->settings.image_trust = verifier.get();
  }

  cluster::ConfigRequest request;
  request.kubeconfig = opts.kubeconfig;
  request.context = opts.context;
  request.in_cluster = opts.in_cluster;
  request.impersonate_user = opts.as_user;
  request.impersonate_groups = opts.as_groups;
  auto rest = cluster::resolve_config(request, cluster::Environment::from_process());
  if (!rest) return fail(rest.error().message);
  for (const auto& note : rest->notes) {
    if (note.starts_with("warning:")) std::cerr << kCmd << ": " << note << '\n';
  }
  cluster::HttpOptions http;
  http.request_timeout_seconds = opts.timeout_seconds;
  auto client = cluster::ApiClient::connect(*rest, http);
  if (!client) return fail(client.error().message);

  cluster::ClusterScanRequest scan{fmt::format("cluster:{}", rest->context), opts.name_space};
  engine::ScanResult result = cluster::scan_cluster(*client, scan, catalog, *config);
  for (const auto& note : rest->notes) result.notices.push_back(note);
  apply_policy(policy, result);
  int code = exit_status(result, *config, policy);
  std::string subject = fmt::format("cluster: {}", rest->context);
  if (!opts.name_space.empty()) subject += fmt::format(", namespace {}", opts.name_space);
  report::ReportInput input{result, catalog, config->fail_on, code, subject, policy.fail_never};
  // -q: no report on standard output (a report file is still written).
  if (!opts.quiet || (!opts.output.empty() && opts.output != "-")) {
    if (int written = write_output(*format, input, opts.output); written != kExitOk) return written;
  }
  if (!opts.write_reports.empty()) {
    if (int written = write_reports_to_cluster(*client, input, opts.write_reports == "openreports");
        written != kExitOk) {
      return written;
    }
  }
  // Errors also go to stderr in every format, so CI logs show them.
  if (*format != report::Format::Text || opts.quiet) {
    for (const auto& e : result.errors) std::cerr << kCmd << ": " << util::terminal_safe(doc::format_error(e)) << '\n';
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
  cmd->add_flag("-q,--quiet", opts->quiet,
                "Write no report to standard output (errors still go to standard error; -o still writes the file)");
  cmd->add_option("--as", opts->as_user, "Act as this user (impersonation; wins over the kubeconfig's as)");
  cmd->add_option("--as-group", opts->as_groups, "Act as a member of this group (repeatable; needs --as)");
  cmd->add_flag("--in-cluster", opts->in_cluster,
                "Use the pod's service account (token, ca.crt) and KUBERNETES_SERVICE_HOST");
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
  cmd->add_option("--write-reports", opts->write_reports,
                  "Also write the findings to the cluster as policy reports: policyreport (wgpolicyk8s.io/v1alpha2 "
                  "PolicyReport, ClusterPolicyReport) or openreports (openreports.io/v1alpha1 Report, ClusterReport); "
                  "the CRDs must be installed")
      ->transform(CLI::IsMember({"policyreport", "openreports"}, CLI::ignore_case));
  cmd->add_flag("--verify-images", opts->verify_images,
                "Verify each image (a running Pod's digest from its status) at its registry under imagePolicies");
  add_inspect_flags(cmd, opts->inspect);
  cmd->add_option("--request-timeout", opts->timeout_seconds, "Seconds allowed for each request to the API server")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->callback([opts, &catalog, &status] { status = run_cluster_scan(*opts, catalog); });
  add_cluster_watch_command(*cluster, catalog, status);
}

}  // namespace kg::cli
