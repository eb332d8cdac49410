// `kubeguard serve`: the validating admission webhook over HTTPS.
#include <chrono>
#include <ctime>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "admission/settings.h"
#include "audit/alert_writer.h"
#include "audit/detector.h"
#include "engine/config.h"
#include "fronts/cli/commands.h"
#include "fronts/server/handler.h"
#include "fronts/server/server.h"

namespace kg::cli {
namespace {

struct ServeOptions {
  std::string cert;
  std::string key;
  std::string listen = "0.0.0.0:8443";
  std::string mode = "enforce";
  std::string config;
  unsigned threads = 0;
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

int run_serve(const ServeOptions& opts, const rules::Catalog& catalog) {
  auto mode = admission::parse_mode(opts.mode);
  if (!mode) {
    std::cerr << fmt::format("kubeguard serve: --mode '{}' is not one of enforce, warn, audit\n", opts.mode);
    return kExitError;
  }
  engine::ConfigResult loaded;
  if (!opts.config.empty()) loaded = engine::load_config_file(opts.config, catalog);
  admission::SettingsResult settings = admission::settings_from_config(loaded.config, *mode);
  loaded.errors.insert(loaded.errors.end(), settings.errors.begin(), settings.errors.end());
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) std::cerr << "kubeguard serve: " << doc::format_error(e) << '\n';
    return kExitError;
  }
  StderrLog log;
  server::LogSink sink = [&log](std::string_view line) { log.write(line); };
  rules::Severity threshold = loaded.config.fail_on;
  // POST /audit: the API server's audit webhook backend sends EventList
  // batches; alerts go to standard output as JSON lines, the same lines as
  // `kubeguard audit -f json`.
  audit::Detector detector(catalog, loaded.config);
  std::mutex alerts_mutex;
  server::Handler handler(catalog, std::move(loaded.config), std::move(settings.settings), sink);
  handler.set_audit_hook([&](std::string_view body) {
    audit::DetectResult result = detector.process_json(body);
    server::HttpReply reply;
    reply.content_type = "application/json";
    if (!result.error.empty() && result.events == 0) {
      reply.status = 400;
      reply.body = fmt::format(R"({{"error":"not audit events: {}"}})", result.error.substr(0, 200));
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
  options.threads = opts.threads;
  options.handle_signals = true;
  server::Server server(options, handler, sink);
  if (auto error = server.start()) {
    std::cerr << "kubeguard serve: " << *error << '\n';
    return kExitError;
  }
  log.write(fmt::format("listening on port {} (mode {}, threshold {}, {} threads)", server.port(), opts.mode,
                        rules::severity_name(threshold),
                        opts.threads != 0 ? opts.threads : std::max(1u, std::thread::hardware_concurrency())));
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
      ->capture_default_str();
  cmd->add_option("--config", opts->config, "Configuration file (.kubeguard.yaml; admission: section for exemptions)");
  cmd->add_option("--threads", opts->threads, "Serving threads (default: one per core)");
  cmd->callback([opts, &catalog, &status] { status = run_serve(*opts, catalog); });
}

}  // namespace kg::cli
