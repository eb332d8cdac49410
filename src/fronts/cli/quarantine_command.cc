// `kubeguard quarantine NS/POD` and `kubeguard quarantine release NS/POD`.
#include <ctime>
#include <iostream>

#include <fmt/format.h>

#include "cluster/api_client.h"
#include "cluster/cluster_scan.h"
#include "cluster/kubeconfig.h"
#include "cluster/quarantine.h"
#include "fronts/cli/clock.h"
#include "fronts/cli/commands.h"

namespace kg::cli {
namespace {

constexpr std::string_view kCmd = "kubeguard quarantine";

struct QuarantineOptions {
  std::string target;  // NS/POD
  std::string kubeconfig;
  std::string context;
  std::string reason = "suspected compromise";
  std::string finding;
  std::string evidence_dir = ".";
  bool dry_run = false;
  bool force = false;
};

int fail(std::string_view message) {
  std::cerr << kCmd << ": " << message << '\n';
  return kExitError;
}

std::optional<std::pair<std::string, std::string>> split_target(std::string_view target) {
  size_t slash = target.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string ns(target.substr(0, slash)), pod(target.substr(slash + 1));
  if (!cluster::valid_namespace_name(ns) || pod.empty() || pod.find('/') != std::string::npos) return std::nullopt;
  return std::make_pair(ns, pod);
}

std::optional<cluster::ApiClient> connect(const QuarantineOptions& opts) {
  cluster::ConfigRequest request;
  request.kubeconfig = opts.kubeconfig;
  request.context = opts.context;
  auto rest = cluster::resolve_config(request, cluster::Environment::from_process());
  if (!rest) {
    fail(rest.error().message);
    return std::nullopt;
  }
  auto client = cluster::ApiClient::connect(*rest);
  if (!client) {
    fail(client.error().message);
    return std::nullopt;
  }
  return std::move(*client);
}

int print_report(const cluster::Expected<cluster::ResponseReport>& report, bool dry_run) {
  if (!report) return fail(report.error().message);
  std::ostream& out = dry_run ? std::cerr : std::cout;  // under --dry-run stdout holds only the requests
  for (const auto& step : report->steps) out << step << '\n';
  for (const auto& warning : report->warnings) std::cerr << kCmd << ": warning: " << warning << '\n';
  return kExitOk;
}

int run_quarantine(const QuarantineOptions& opts) {
  auto target = split_target(opts.target);
  if (!target) return fail(fmt::format("'{}' is not NAMESPACE/POD", opts.target));
  auto client = connect(opts);
  if (!client) return kExitError;
  cluster::QuarantineRequest request{target->first, target->second,    opts.reason, opts.finding,
                                     utc_now(),     opts.evidence_dir, opts.force,  opts.dry_run};
  return print_report(cluster::quarantine_pod(*client, request, std::cout), opts.dry_run);
}

int run_release(const QuarantineOptions& opts) {
  auto target = split_target(opts.target);
  if (!target) return fail(fmt::format("'{}' is not NAMESPACE/POD", opts.target));
  auto client = connect(opts);
  if (!client) return kExitError;
  cluster::ReleaseRequest request{target->first, target->second, utc_now(), opts.dry_run};
  return print_report(cluster::release_pod(*client, request, std::cout), opts.dry_run);
}

void add_connection_options(CLI::App* cmd, QuarantineOptions& opts) {
  cmd->add_option("--kubeconfig", opts.kubeconfig, "Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)");
  cmd->add_option("--context", opts.context, "Context of the kubeconfig to use (default: current-context)");
  cmd->add_flag("--dry-run", opts.dry_run,
                "Print the exact write requests instead of sending them (the pod and its owners are still read)");
}

}  // namespace

void add_quarantine_command(CLI::App& app, int& status) {
  auto opts = std::make_shared<QuarantineOptions>();
  CLI::App* cmd = app.add_subcommand(
      "quarantine",
      "Isolate a pod: deny-all NetworkPolicy, labels off so its controller replaces it, evidence saved; "
      "`quarantine release NS/POD` lifts it");
  cmd->add_option("target", opts->target, "NAMESPACE/POD");
  add_connection_options(cmd, *opts);
  cmd->add_option("--reason", opts->reason, "Why, recorded on the pod and in the evidence")->capture_default_str();
  cmd->add_option("--finding", opts->finding, "Rule ID of the finding that led here, recorded on the pod");
  cmd->add_option("--evidence-dir", opts->evidence_dir, "Where the evidence file goes")->capture_default_str();
  cmd->add_flag("--force", opts->force, "Allow a pod of kube-system");

  auto release_opts = std::make_shared<QuarantineOptions>();
  CLI::App* release = cmd->add_subcommand("release", "Lift the quarantine of a pod (the pod itself stays)");
  release->add_option("target", release_opts->target, "NAMESPACE/POD")->required();
  add_connection_options(release, *release_opts);
  release->callback([release_opts, &status] { status = run_release(*release_opts); });

  cmd->callback([cmd, release, opts, &status] {
    if (release->parsed()) return;
    if (opts->target.empty()) {
      std::cerr << cmd->help();
      status = kExitError;
      return;
    }
    status = run_quarantine(*opts);
  });
}

}  // namespace kg::cli
