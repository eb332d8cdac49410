// `kubeguard cluster watch`: one informer per watched resource, each on its
// own thread with its own connection; their events meet in one queue that a
// single thread drains through the change monitor, so the monitor needs no
// locks and alerts come out one whole line at a time.
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <ctime>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>
#include <variant>

#include <fmt/format.h>

#include "cluster/api_client.h"
#include "cluster/cluster_scan.h"
#include "cluster/informer.h"
#include "cluster/kubeconfig.h"
#include "engine/watch/change_monitor.h"
#include "fronts/cli/clock.h"
#include "fronts/cli/commands.h"
#include "fronts/cli/config_options.h"
#include "fronts/cli/formats.h"
#include "fronts/cli/habits.h"
#include "fronts/cli/image_verifier.h"
#include "k8s/kinds.h"
#include "util/json_writer.h"
#include "util/terminal_text.h"

namespace kg::cli {
namespace {

constexpr std::string_view kCmd = "kubeguard cluster watch";

struct WatchCommandOptions {
  std::string kubeconfig;
  std::string context;
  std::string name_space;
  bool in_cluster = false;
  std::string format = "text";
  std::string min_severity = "medium";
  ConfigOptions config;
  long duration_seconds = 0;
  long watch_timeout_seconds = 300;
  bool verify_images = false;
  InspectFlags inspect;
};

using QueueItem = std::variant<cluster::ObjectEvent, cluster::InformerStatus>;

class EventQueue {
 public:
  void push(QueueItem&& item) {
    {
      std::lock_guard lock(mutex_);
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
  }
  // Waits up to `timeout`; nullopt when nothing came.
  std::optional<QueueItem> pop(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, timeout, [&] { return !items_.empty(); })) return std::nullopt;
    QueueItem item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<QueueItem> items_;
};

void print_alert(const rules::Finding& f, cluster::ChangeType change, bool json, bool color) {
  std::string time = utc_now_ms();
  if (json) {
    util::JsonWriter out(std::cout, false);
    out.begin_object()
        .field("time", std::string_view(time))
        .field("change", cluster::change_type_name(change))
        .field("rule", std::string_view(f.rule_id))
        .field("severity", rules::severity_name(f.severity))
        .field("kind", std::string_view(f.object.kind))
        .field("namespace", std::string_view(f.object.name_space))
        .field("name", std::string_view(f.object.name));
    if (!f.container.empty()) out.field("container", std::string_view(f.container));
    out.field("path", std::string_view(f.path)).field("message", std::string_view(f.message)).end_object();
    std::cout << '\n';
  } else {
    std::string severity(rules::severity_name(f.severity));
    if (color) severity = fmt::format("\x1b[1m{}\x1b[0m", severity);
    // The object's fields came from the API server: control characters are made visible.
    std::cout << fmt::format("{} {} {} {} {}{}: {} ({})\n", time, cluster::change_type_name(change), f.rule_id,
                             severity, util::terminal_safe(f.object.display()),
                             f.container.empty() ? "" : fmt::format(" container {}", util::terminal_safe(f.container)),
                             util::terminal_safe(f.message), util::terminal_safe(f.path));
  }
  std::cout.flush();
}

int run_watch(const WatchCommandOptions& opts, const rules::Catalog& catalog) {
  auto fail = [](std::string_view message) {
    std::cerr << kCmd << ": " << message << '\n';
    return kExitError;
  };
  if (opts.format != "text" && opts.format != "json") {
    return fail(fmt::format("unknown format '{}' (text, json)", opts.format));
  }
  auto min_severity = parse_min_severity(opts.min_severity, kCmd);
  if (!min_severity) return kExitError;
  if (!opts.name_space.empty() && !cluster::valid_namespace_name(opts.name_space)) {
    return fail(fmt::format("-n '{}' is not a valid namespace name", opts.name_space));
  }
  auto config = load_config(opts.config, catalog, kCmd);
  if (!config) return kExitError;
  // Each image a change brings (on a running Pod, the digest its status
  // reports) is verified once; the verifier's caches answer the next changes.
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
  auto rest = cluster::resolve_config(request, cluster::Environment::from_process());
  if (!rest) return fail(rest.error().message);
  for (const auto& note : rest->notes) std::cerr << kCmd << ": " << note << '\n';

  std::vector<const cluster::Resource*> resources;
  // Pods, every workload kind, webhook configurations and RBAC (the table of
  // kinds says which): where code gets into pods and where the power to put
  // it there is granted.
  for (const auto& kind : k8s::kinds()) {
    if (!kind.read_by(k8s::kClusterWatch)) continue;
    const cluster::Resource* r = cluster::find_resource(kind.resource);
    if (r == nullptr) continue;  // watched kinds are listed kinds (KindsTable test)
    if (!opts.name_space.empty() && !r->namespaced) continue;
    resources.push_back(r);
  }

  // SIGINT and SIGTERM end the watch: blocked here (the threads inherit the
  // mask), taken by sigtimedwait in the draining loop.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::atomic<bool> cancel{false};
  EventQueue queue;
  std::vector<std::thread> threads;
  std::vector<cluster::ApiClient> clients;
  cluster::HttpOptions http;
  http.request_timeout_seconds = 60;
  for (size_t i = 0; i < resources.size(); ++i) {
    auto client = cluster::ApiClient::connect(*rest, http);
    if (!client) return fail(client.error().message);
    clients.push_back(std::move(*client));
  }
  for (size_t i = 0; i < resources.size(); ++i) {
    threads.emplace_back([&, i] {
      cluster::InformerOptions informer_options;
      informer_options.name_space = opts.name_space;
      informer_options.watch_timeout_seconds = opts.watch_timeout_seconds;
      cluster::Informer informer(*resources[i], informer_options);
      informer.run(
          clients[i], cancel, [&](cluster::ObjectEvent&& event) { queue.push(std::move(event)); },
          [&](cluster::InformerStatus&& status) { queue.push(std::move(status)); });
    });
  }

  engine::watch::ChangeMonitor monitor(catalog, *config, fmt::format("cluster:{}", rest->context));
  bool json = opts.format == "json";
  bool color = !json && use_color(stdout);
  size_t synced = 0;
  auto deadline = opts.duration_seconds > 0
                      ? std::chrono::steady_clock::now() + std::chrono::seconds(opts.duration_seconds)
                      : std::chrono::steady_clock::time_point::max();
  const timespec no_wait{0, 0};
  while (true) {
    if (sigtimedwait(&stop_signals, nullptr, &no_wait) > 0) break;
    if (std::chrono::steady_clock::now() >= deadline) break;
    auto item = queue.pop(std::chrono::milliseconds(200));
    if (!item) continue;
    if (auto* status = std::get_if<cluster::InformerStatus>(&*item)) {
      std::cerr << kCmd << ": " << status->message << '\n';
      if (status->synced && !status->problem && ++synced == resources.size()) {
        std::cerr << kCmd << ": watching " << resources.size() << " resources, " << monitor.objects()
                  << " objects known\n";
      }
      continue;
    }
    auto& event = std::get<cluster::ObjectEvent>(*item);
    cluster::ChangeType change = event.type;
    engine::watch::ObjectChange object_change{
        change == cluster::ChangeType::Added      ? engine::watch::Change::Added
        : change == cluster::ChangeType::Modified ? engine::watch::Change::Modified
                                                  : engine::watch::Change::Deleted,
        std::string(event.resource->kind), std::move(event.key), std::move(event.object), event.initial};
    for (const auto& finding : monitor.apply(std::move(object_change))) {
      if (finding.severity >= *min_severity) print_alert(finding, change, json, color);
    }
  }
  cancel = true;
  for (auto& t : threads) t.join();
  return kExitOk;
}

}  // namespace

void add_cluster_watch_command(CLI::App& cluster, const rules::Catalog& catalog, int& status) {
  auto opts = std::make_shared<WatchCommandOptions>();
  CLI::App* cmd = cluster.add_subcommand(
      "watch",
      "Watch pods, workloads, webhook configurations and RBAC; print each finding a change introduces as it happens");
  cmd->add_option("--kubeconfig", opts->kubeconfig, "Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)");
  cmd->add_option("--context", opts->context, "Context of the kubeconfig to use (default: current-context)");
  cmd->add_option("-n,--namespace", opts->name_space,
                  "Only this namespace (default: all, with webhook configurations and cluster RBAC)");
  cmd->add_flag("--in-cluster", opts->in_cluster, "Use the pod's service account and KUBERNETES_SERVICE_HOST");
  add_format_option(cmd, opts->format);
  cmd->add_option("--min-severity", opts->min_severity, "Print alerts of this severity and above")
      ->capture_default_str();
  cmd->add_option("--config", opts->config.config, "Configuration file (default: .kubeguard.yaml found upward)");
  cmd->add_option("--pss", opts->config.pss, "Add Pod Security Standards checks: LEVEL[:VERSION]");
  cmd->add_option("--for", opts->duration_seconds, "Stop after this many seconds (default: until SIGINT or SIGTERM)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--watch-timeout", opts->watch_timeout_seconds,
                  "Seconds each watch request lasts before it is renewed from its last resourceVersion")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--verify-images", opts->verify_images,
                "Verify each image a change brings at its registry under imagePolicies (KG-IMG-005..009)");
  add_inspect_flags(cmd, opts->inspect);
  cmd->callback([opts, &catalog, &status] { status = run_watch(*opts, catalog); });
}

}  // namespace kg::cli
