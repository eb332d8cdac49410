// `kubeguard serve`: the validating admission webhook over HTTPS.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "admission/settings.h"
#include "audit/alert_writer.h"
#include "audit/detector.h"
#include "engine/config.h"
#include "fronts/cli/accepted_findings.h"
#include "fronts/cli/clock.h"
#include "fronts/cli/commands.h"
#include "fronts/cli/habits.h"
#include "fronts/server/handler.h"
#include "fronts/server/limits.h"
#include "fronts/server/server.h"
#include "supply/verifier.h"
#include "util/redact.h"
#include "util/terminal_text.h"

namespace kg::cli {
namespace {

struct ServeOptions {
  std::string cert;
  std::string key;
  std::string listen = "0.0.0.0:8443";
  std::string mode = "enforce";
  std::string config;
  std::string ignore_file;
  std::string client_ca;
  std::string metrics_listen;
  std::string memory_limit;
  double shutdown_delay_seconds = 0;
  unsigned threads = 0;
  bool verify_images = false;
  long image_budget_ms = 3000;
  std::string image_failure = "closed";
};

// Lines from all serving threads, whole and time-stamped, on standard error.
class StderrLog {
 public:
  void write(std::string_view line) {
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::string text =
        fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z kubeguard serve: {}\n", tm.tm_year + 1900,
                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms, line);
    std::lock_guard lock(mu_);
    std::cerr << text << std::flush;
  }

 private:
  std::mutex mu_;
};

// The configuration file, the admission settings it holds and the ignore
// file's accepted findings; errors name file, line and field.
struct LoadedPolicy {
  engine::Config config;
  admission::Settings settings;
  std::vector<doc::LoadError> errors;
  std::vector<std::string> notices;  // expired acceptances
};

// --ignore-file, else .kubeguardignore.yaml beside --config (never searched
// upward: what a webhook accepts must be named by its deployment).
std::string ignore_file_of(const ServeOptions& opts) {
  if (!opts.ignore_file.empty()) return opts.ignore_file;
  if (opts.config.empty()) return {};
  std::error_code ec;
  std::filesystem::path beside = std::filesystem::path(opts.config).parent_path() / ".kubeguardignore.yaml";
  return std::filesystem::is_regular_file(beside, ec) ? beside.string() : std::string();
}

LoadedPolicy load_policy(const ServeOptions& opts, admission::Mode mode, const rules::Catalog& catalog) {
  engine::ConfigResult loaded;
  if (!opts.config.empty()) loaded = engine::load_config_file(opts.config, catalog);
  admission::SettingsResult settings = admission::settings_from_config(loaded.config, mode);
  loaded.errors.insert(loaded.errors.end(), settings.errors.begin(), settings.errors.end());
  LoadedPolicy policy{std::move(loaded.config), std::move(settings.settings), std::move(loaded.errors), {}};
  if (std::string ignore = ignore_file_of(opts); !ignore.empty()) {
    auto accepted =
        std::make_shared<AcceptedFindings>(load_accepted_findings(ignore, catalog, utc_now().substr(0, 10)));
    policy.errors.insert(policy.errors.end(), accepted->errors.begin(), accepted->errors.end());
    policy.notices = accepted->notices;
    policy.settings.accept = acceptance_filter(std::move(accepted));
  }
  return policy;
}

int run_serve(const ServeOptions& opts, const rules::Catalog& catalog) {
  auto mode = admission::parse_mode(opts.mode);
  if (!mode) {
    std::cerr << fmt::format("kubeguard serve: --mode '{}' is not one of enforce, warn, audit\n", opts.mode);
    return kExitError;
  }
  std::optional<size_t> memory_limit;
  if (!opts.memory_limit.empty()) {
    memory_limit = server::parse_size(opts.memory_limit);
    if (!memory_limit || *memory_limit < size_t{16} * 1024 * 1024) {
      std::cerr << fmt::format(
          "kubeguard serve: --memory-limit '{}' is not a size of at least 16Mi (e.g. 256Mi, 1Gi)\n", opts.memory_limit);
      return kExitError;
    }
  }
  if (opts.shutdown_delay_seconds < 0 || opts.shutdown_delay_seconds > 600) {
    std::cerr << "kubeguard serve: --shutdown-delay must be from 0 to 600 seconds\n";
    return kExitError;
  }
  LoadedPolicy loaded = load_policy(opts, *mode, catalog);
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors)
      std::cerr << "kubeguard serve: " << util::terminal_safe(doc::format_error(e)) << '\n';
    return kExitError;
  }
  // Images verified at admission: the KG-IMG signature rules decide with a
  // digest cache, a time budget per image and a failure mode.
  std::unique_ptr<supply::ImageVerifier> verifier;
  if (opts.verify_images) {
    if (opts.image_failure != "open" && opts.image_failure != "closed") {
      std::cerr << fmt::format("kubeguard serve: --image-failure '{}' is not open or closed\n", opts.image_failure);
      return kExitError;
    }
    supply::VerifierOptions vo;
    vo.budget = std::chrono::milliseconds(opts.image_budget_ms);
    vo.fail_open = opts.image_failure == "open";
    vo.registry.attempts = 2;
    vo.registry.backoff_ms = 100;
    auto created = supply::ImageVerifier::create(loaded.config.image_policies, vo);
    if (!created) {
      std::cerr << "kubeguard serve: " << util::terminal_safe(created.error().message) << '\n';
      return kExitError;
    }
    verifier = std::move(*created);
    loaded.config.settings.image_trust = verifier.get();
  }
  StderrLog log;
  // Every log line goes through the one redactor: a refused body's error can quote it.
  server::LogSink sink = [&log](std::string_view line) { log.write(util::redact(line)); };
  rules::Severity threshold = loaded.config.fail_on;
  const bool fail_never = loaded.config.fail_never;
  const std::vector<std::string> notices = loaded.notices;
  // POST /audit: the API server's audit webhook backend sends EventList
  // batches; alerts go to standard output as JSON lines, the same lines as
  // `kubeguard audit -f json`.
  audit::Detector detector(catalog, loaded.config);
  std::mutex alerts_mutex;
  server::Handler handler(catalog, loaded.config, std::move(loaded.settings), sink);
  handler.set_audit_hook([&](std::string_view body) {
    audit::DetectResult result = detector.process_json(body);
    server::HttpReply reply;
    reply.content_type = "application/json";
    if (!result.error.empty() && result.events == 0) {
      reply.status = 400;
      std::string error = util::redact(result.error.substr(0, 200));
      std::erase_if(error, [](char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; });
      reply.body = fmt::format(R"({{"error":"not audit events: {}"}})", error);
      return reply;
    }
    if (!result.alerts.empty()) {
      std::ostringstream lines;
      for (const auto& alert : result.alerts) audit::write_alert_json(lines, alert, detector.title(alert.rule_id));
      std::lock_guard lock(alerts_mutex);
      std::cout << lines.str() << std::flush;
    }
    log.write(fmt::format("audit: {} events, {} alerts", result.events, result.alerts.size()));
    reply.body = fmt::format(R"({{"events":{},"alerts":{}}})", result.events, result.alerts.size());
    return reply;
  });
  server::ServerOptions options;
  options.listen = opts.listen;
  options.cert_file = opts.cert;
  options.key_file = opts.key;
  options.client_ca_file = opts.client_ca;
  options.health_listen = opts.metrics_listen;
  options.memory_limit = memory_limit.value_or(0);
  options.shutdown_delay = std::chrono::milliseconds(static_cast<int64_t>(opts.shutdown_delay_seconds * 1000));
  options.threads = opts.threads;
  options.handle_signals = true;
  // SIGHUP: the configuration file is read again; when it has errors the
  // running one stays (and the errors are logged), the process never ends.
  options.on_reload = [&] {
    LoadedPolicy next = load_policy(opts, *mode, catalog);
    if (!next.errors.empty()) {
      for (const auto& e : next.errors) log.write("reload refused: " + doc::format_error(e));
      return;
    }
    // The verifier keeps the image policies it started with (a restart reads new ones).
    next.config.settings.image_trust = verifier.get();
    for (const auto& n : next.notices) log.write(n);
    handler.reload(std::move(next.config), std::move(next.settings));
    log.write(opts.config.empty() ? "configuration reloaded (defaults)" : "configuration reloaded from " + opts.config);
  };
  server::Server server(options, handler, sink);
  if (auto error = server.start()) {
    std::cerr << "kubeguard serve: " << *error << '\n';
    return kExitError;
  }
  const server::Limits& limits = server.limits();
  log.write(fmt::format("limits: {} connections, {} MiB for requests in flight (from {} MiB, {})",
                        limits.max_connections, limits.max_request_bytes >> 20, limits.memory >> 20,
                        limits.memory_source));
  if (server.health_port() != 0)
    log.write(fmt::format("health and metrics over plain HTTP on port {}", server.health_port()));
  for (const auto& n : notices) log.write(n);
  log.write(fmt::format("listening on port {} (mode {}, threshold {}, {} threads{})", server.port(), opts.mode,
                        fail_never ? std::string_view("none") : rules::severity_name(threshold),
                        opts.threads != 0 ? opts.threads : std::max(1u, std::thread::hardware_concurrency()),
                        opts.client_ca.empty() ? "" : ", client certificates required"));
  server.run();
  return kExitOk;
}

}  // namespace

void add_serve_command(CLI::App& app, const rules::Catalog& catalog, int& status) {
  auto opts = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Validating admission webhook over HTTPS (POST /validate)");
  cmd->add_option("--tls-cert", opts->cert, "Certificate chain (PEM); reloaded when the file changes")->required();
  cmd->add_option("--tls-key", opts->key, "Private key (PEM); reloaded when the file changes")->required();
  cmd->add_option("--listen", opts->listen, "HOST:PORT to listen on (port 0: any free port)")->capture_default_str();
  cmd->add_option("--mode", opts->mode, "enforce (deny), warn (admit with warnings) or audit (admit, annotate)")
      ->transform(ignore_case_value())
      ->capture_default_str();
  cmd->add_option("--config", opts->config, "Configuration file (.kubeguard.yaml; admission: section for exemptions)");
  cmd->add_option("--ignore-file", opts->ignore_file,
                  "Accepted findings with reason and expiry (default: .kubeguardignore.yaml beside --config); "
                  "reloaded on SIGHUP");
  cmd->add_option("--threads", opts->threads, "I/O threads (default: one per core)");
  cmd->add_option("--client-ca", opts->client_ca,
                  "CA (PEM) that must have signed the client's certificate (the API server presents one when its "
                  "admission configuration names it); reloaded when the file changes");
  cmd->add_option("--metrics-listen", opts->metrics_listen,
                  "HOST:PORT of a plain-HTTP listener for /metrics, /healthz and /readyz, on its own thread");
  cmd->add_option("--memory-limit", opts->memory_limit,
                  "Memory the limits on connections and requests in flight are derived from (e.g. 256Mi; "
                  "default: the cgroup's limit)");
  cmd->add_option("--shutdown-delay", opts->shutdown_delay_seconds,
                  "Seconds to go on answering after SIGTERM (with /readyz 503) before the listener closes")
      ->capture_default_str();
  cmd->add_flag("--verify-images", opts->verify_images,
                "Verify images at admission under imagePolicies (cosign signatures, digests; docs/SUPPLY-CHAIN.md)");
  cmd->add_option("--image-budget-ms", opts->image_budget_ms,
                  "Time allowed to verify one image (registry requests and retries)")
      ->capture_default_str();
  cmd->add_option("--image-failure", opts->image_failure,
                  "When a registry cannot be reached: closed (report KG-IMG-008) or open (admit)")
      ->capture_default_str();
  cmd->callback([opts, &catalog, &status] { status = run_serve(*opts, catalog); });
}

}  // namespace kg::cli
