#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "cluster/api_client.h"
#include "cluster/kubeconfig.h"
#include "doc/source.h"
#include "engine/config.h"
#include "engine/scanner.h"
#include "fronts/cli/clock.h"
#include "fronts/cli/commands.h"
#include "fronts/cli/config_options.h"
#include "fronts/cli/formats.h"
#include "fronts/node/monitor.h"
#include "fronts/node/node_scan.h"
#include "fronts/node/pod_source.h"
#include "k8s/object.h"
#include "report/report.h"
#include "util/json_writer.h"
#include "util/terminal_text.h"

namespace kg::cli {
namespace {

struct NodeScanOptions {
  node::NodeScanRequest request;
  bool no_processes = false;
  bool no_fail = false;
  std::string format = "text";
  std::string output;
  ConfigOptions config;
};

constexpr std::string_view kCmd = "kubeguard node scan";

int fail(std::string_view message) {
  std::cerr << kCmd << ": " << message << '\n';
  return kExitError;
}

int run_node_scan(NodeScanOptions opts, const rules::Catalog& catalog) {
  auto format = report::parse_format(opts.format);
  if (!format) return fail(fmt::format("unknown format '{}' (text, json, sarif, junit)", opts.format));
  auto config = load_config(opts.config, catalog, kCmd);
  if (!config) return kExitError;
  opts.request.processes = !opts.no_processes;
  engine::ScanResult result = node::scan_node(opts.request, *config);
  int code = exit_status(result, *config, FrontPolicy{});
  if (opts.no_fail) code = kExitOk;
  report::ReportInput input{result, catalog, config->fail_on, code, {}, config->fail_never};
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
  if (*format != report::Format::Text) {
    for (const auto& e : result.errors) std::cerr << kCmd << ": " << doc::format_error(e) << '\n';
  }
  return code;
}

struct NodeWatchOptions {
  node::MonitorOptions monitor;
  std::vector<std::string> pods;
  // Pods of this node from the API server instead of (or besides) files.
  bool api = false;
  std::string kubeconfig;
  std::string context;
  bool in_cluster = false;
  std::string node_name;
  long refresh_seconds = 30;
  long interval_ms = 250;
  double duration_seconds = 0;
  bool no_process_events = false;
  bool no_sniff = false;
  std::string format = "text";
  std::string min_severity = "info";
  ConfigOptions config;
};

constexpr std::string_view kWatchCmd = "kubeguard node watch";

void print_finding(const rules::Finding& f, bool json, bool color) {
  std::string time = utc_now();
  if (json) {
    util::JsonWriter out(std::cout, false);
    out.begin_object()
        .field("time", std::string_view(time))
        .field("rule", std::string_view(f.rule_id))
        .field("severity", rules::severity_name(f.severity))
        .field("kind", std::string_view(f.object.kind))
        .field("namespace", std::string_view(f.object.name_space))
        .field("name", std::string_view(f.object.name));
    if (!f.container.empty()) out.field("container", std::string_view(f.container));
    out.field("path", std::string_view(f.path)).field("message", std::string_view(f.message));
    if (f.suppressed) out.field("suppressed", std::string_view(f.suppression));
    out.end_object();
    std::cout << '\n';
  } else {
    std::string severity(rules::severity_name(f.severity));
    if (color) severity = fmt::format("\x1b[1m{}\x1b[0m", severity);
    std::cout << fmt::format("{} {} {} {}{}: {}\n", time, f.rule_id, severity, util::terminal_safe(f.object.display()),
                             f.container.empty() ? "" : fmt::format(" container {}", util::terminal_safe(f.container)),
                             util::terminal_safe(f.message));
  }
  std::cout.flush();
}

// Fetches the node's pods from the API server every `period` on a thread of
// its own, so a slow API server never delays a detection.
class PodRefresher {
 public:
  PodRefresher(cluster::ApiClient client, std::string node, std::vector<k8s::SidecarProfile> profiles,
               std::chrono::seconds period)
      : client_(std::move(client)), node_(std::move(node)), profiles_(std::move(profiles)), period_(period) {
    thread_ = std::thread([this] { run(); });
  }
  ~PodRefresher() {
    stop_ = true;
    thread_.join();
  }
  PodRefresher(const PodRefresher&) = delete;
  PodRefresher& operator=(const PodRefresher&) = delete;

  // The latest index fetched since the last call, if any.
  std::optional<node::PodIndex> take() {
    std::lock_guard lock(mutex_);
    std::optional<node::PodIndex> out = std::move(fresh_);
    fresh_.reset();
    return out;
  }

 private:
  void run() {
    std::string last_error;
    while (!stop_) {
      auto pods = node::fetch_node_pods(client_, node_, profiles_);
      if (pods) {
        std::lock_guard lock(mutex_);
        fresh_ = std::move(pods.value());
        last_error.clear();
      } else if (pods.error().message != last_error) {
        last_error = pods.error().message;
        std::cerr << kWatchCmd << ": pods of node " << node_ << ": " << last_error << '\n';
      }
      constexpr std::chrono::milliseconds kSlice{100};
      for (std::chrono::milliseconds waited{0}; waited < period_ && !stop_; waited += kSlice) {
        std::this_thread::sleep_for(kSlice);
      }
    }
  }

  cluster::ApiClient client_;
  std::string node_;
  std::vector<k8s::SidecarProfile> profiles_;
  std::chrono::seconds period_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::optional<node::PodIndex> fresh_;
  std::thread thread_;
};

int run_node_watch(NodeWatchOptions opts, const rules::Catalog& catalog) {
  auto fail = [](std::string_view message) {
    std::cerr << kWatchCmd << ": " << message << '\n';
    return kExitError;
  };
  if (opts.format != "text" && opts.format != "json") {
    return fail(fmt::format("unknown format '{}' (text, json)", opts.format));
  }
  auto min_severity = parse_min_severity(opts.min_severity, kWatchCmd);
  if (!min_severity) return kExitError;
  auto config = load_config(opts.config, catalog, kWatchCmd);
  if (!config) return kExitError;

  // Pods of this node, from files (kubectl get pods -o yaml --field-selector spec.nodeName=NODE).
  std::vector<doc::Document> documents;
  int errors = 0;
  for (const auto& file : doc::expand_inputs(opts.pods).files) {
    doc::load_input(
        file, [&](doc::Document&& d) { documents.push_back(std::move(d)); },
        [&](doc::LoadError&& e) {
          std::cerr << kWatchCmd << ": " << doc::format_error(e) << '\n';
          ++errors;
        });
  }
  if (errors > 0) return kExitError;
  node::PodIndex pods;
  for (const auto& d : documents) {
    k8s::Extraction extraction;
    k8s::extract_objects(d, extraction);
    for (const auto& object : extraction.objects) pods.add(object, config->settings.sidecar_profiles);
  }

  std::unique_ptr<PodRefresher> refresher;
  if (opts.api) {
    if (opts.node_name.empty()) {
      if (const char* env = std::getenv("NODE_NAME"); env != nullptr) opts.node_name = env;
    }
    if (opts.node_name.empty()) return fail("--node (or NODE_NAME) is needed to read this node's pods");
    cluster::ConfigRequest request;
    request.kubeconfig = opts.kubeconfig;
    request.context = opts.context;
    request.in_cluster = opts.in_cluster;
    auto rest = cluster::resolve_config(request, cluster::Environment::from_process());
    if (!rest) return fail(rest.error().message);
    cluster::HttpOptions http;
    http.request_timeout_seconds = 20;
    auto client = cluster::ApiClient::connect(*rest, http);
    if (!client) return fail(client.error().message);
    // The first list before watching, so the processes already running are named.
    auto first = node::fetch_node_pods(*client, opts.node_name, config->settings.sidecar_profiles);
    if (!first) return fail(fmt::format("pods of node {}: {}", opts.node_name, first.error().message));
    pods = std::move(first.value());
    refresher =
        std::make_unique<PodRefresher>(std::move(client.value()), opts.node_name, config->settings.sidecar_profiles,
                                       std::chrono::seconds(opts.refresh_seconds));
  }

  opts.monitor.interval = std::chrono::milliseconds(opts.interval_ms);
  opts.monitor.process_events = !opts.no_process_events;
  opts.monitor.sniff = !opts.no_sniff;
  bool json = opts.format == "json";
  bool color = !json && use_color(stdout);
  size_t raised = 0;
  size_t pods_known = pods.pods();
  node::Monitor monitor(opts.monitor, *config, std::move(pods), [&](rules::Finding&& f) {
    if (f.suppressed || f.severity < *min_severity) return;
    ++raised;
    print_finding(f, json, color);
  });

  // SIGINT and SIGTERM end the watch: blocked, then polled between steps.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto sources = monitor.start();
  for (const auto& note : sources.notes) std::cerr << kWatchCmd << ": " << note << '\n';
  std::cerr << fmt::format("{}: watching {} processes ({}{}), {} pods known\n", kWatchCmd, monitor.processes_seen(),
                           sources.process_events ? "exec events from the process connector" : "polling /proc",
                           sources.sniffer ? ", stratum sniffer on" : "", pods_known);
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long>(opts.duration_seconds * 1000));
  timespec no_wait{0, 0};
  for (;;) {
    if (sigtimedwait(&stop_signals, nullptr, &no_wait) > 0) break;
    if (opts.duration_seconds > 0 && std::chrono::steady_clock::now() >= deadline) break;
    monitor.step(std::chrono::milliseconds(100));
    if (refresher) {
      if (auto fresh = refresher->take()) monitor.replace_pods(std::move(*fresh));
    }
  }
  return raised > 0 ? kExitFindings : kExitOk;
}

}  // namespace

void add_node_command(CLI::App& app, const rules::Catalog& catalog, int& status) {
  CLI::App* node = app.add_subcommand("node", "Check and watch the node kubeguard runs on");
  node->require_subcommand(1);
  auto opts = std::make_shared<NodeScanOptions>();
  CLI::App* cmd = node->add_subcommand(
      "scan",
      "CIS Kubernetes Benchmark checks of the control-plane and kubelet processes of this machine, their flags, "
      "configuration files and file permissions (the KG-NODE rules)");
  cmd->add_option("--manifests", opts->request.manifests,
                  "Static pod manifests to check as well: files or directories (e.g. /etc/kubernetes/manifests)");
  cmd->add_option("--kubelet-config", opts->request.kubelet_configs,
                  "KubeletConfiguration files to check as well (e.g. /var/lib/kubelet/config.yaml)");
  cmd->add_option("--pid", opts->request.pids, "Only these processes (default: every process)");
  cmd->add_flag("--no-processes", opts->no_processes, "Do not look at running processes");
  cmd->add_flag("--no-fail", opts->no_fail,
                "Exit 0 whatever was found (the report still says it), e.g. in an init container");
  cmd->add_option("--proc", opts->request.proc_root, "Where the host's /proc is mounted")->capture_default_str();
  cmd->add_option("--host-root", opts->request.host_root,
                  "Where the host's root is mounted, for files named by manifests and kubelet configurations")
      ->capture_default_str();
  add_format_option(cmd, opts->format);
  cmd->add_option("-o,--output", opts->output, "Write the report to FILE instead of standard output");
  cmd->add_option("--fail-on", opts->config.fail_on,
                  "Exit 1 when a finding reaches this severity (critical, high, medium, low, info; default high)");
  cmd->add_option("--config", opts->config.config, "Configuration file (default: .kubeguard.yaml found upward)");
  cmd->callback([opts, &catalog, &status] { status = run_node_scan(*opts, catalog); });

  auto watch = std::make_shared<NodeWatchOptions>();
  CLI::App* w = node->add_subcommand(
      "watch",
      "Follow processes and connections on this node and raise the KG-RT rules as they happen: miners, reverse "
      "shells, mining-pool connections and stratum traffic, shells in containers, foreign processes in sidecars");
  w->add_option("--pods", watch->pods,
                "Pods of this node (files of kubectl get pods -o yaml), to name containers by pod, container and "
                "image");
  w->add_flag("--api", watch->api,
              "Read this node's pods from the API server (list pods with the spec.nodeName field selector), "
              "refreshed every --refresh seconds");
  w->add_option("--node", watch->node_name, "This node's name (default: $NODE_NAME)");
  w->add_option("--kubeconfig", watch->kubeconfig, "Kubeconfig file for --api (default as kubectl)");
  w->add_option("--context", watch->context, "Context of the kubeconfig for --api");
  w->add_flag("--in-cluster", watch->in_cluster, "Use the pod's service account for --api");
  w->add_option("--refresh", watch->refresh_seconds, "Seconds between two reads of the node's pods (--api)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  w->add_option("--proc", watch->monitor.proc_root, "Where the host's /proc is mounted")->capture_default_str();
  w->add_option("--interval-ms", watch->interval_ms, "How often /proc and /proc/net are read")
      ->capture_default_str()
      ->check(CLI::Range(10, 60000));
  w->add_option("--for", watch->duration_seconds, "Stop after this many seconds (default: until SIGINT or SIGTERM)")
      ->check(CLI::NonNegativeNumber);
  w->add_flag("--no-process-events", watch->no_process_events, "Poll /proc instead of using the process connector");
  w->add_flag("--no-sniff", watch->no_sniff, "Do not open the packet socket that finds stratum traffic");
  add_format_option(w, watch->format);
  w->add_option("--min-severity", watch->min_severity, "Print findings at or above this severity")
      ->capture_default_str();
  w->add_option("--config", watch->config.config, "Configuration file (default: .kubeguard.yaml found upward)");
  w->callback([watch, &catalog, &status] { status = run_node_watch(*watch, catalog); });
}

}  // namespace kg::cli
