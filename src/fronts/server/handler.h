// The webhook's HTTP routes as a pure function of (method, target, body):
// no sockets here, so every answer is testable without a network and the
// Beast code stays in server.cc.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "admission/settings.h"
#include "engine/config.h"
#include "fronts/server/metrics.h"
#include "rules/catalog.h"

namespace kg::server {

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  int retry_after_seconds = 0;  // sent as Retry-After when not 0
};

// One line per event; the server writes them to standard error. Lines never
// carry request objects (they can hold secrets), only what identifies them.
using LogSink = std::function<void(std::string_view line)>;

// POST /audit: takes an audit.k8s.io EventList body and answers it. The audit
// detector plugs in here (Handler::set_audit_hook); until one is set the
// route answers 501.
using AuditHook = std::function<HttpReply(std::string_view body)>;

// The API server's own limit on a request body.
inline constexpr size_t kMaxBodyBytes = size_t{3} * 1024 * 1024;

// What the server adds to /metrics: connections, requests in flight and the
// memory reserved for them.
using GaugesHook = std::function<std::string()>;

// Whether a route is answered without deciding anything: the server answers
// these on its I/O threads, never behind a queue of decisions.
bool is_cheap_route(std::string_view target);

class Handler {
 public:
  using Clock = std::chrono::steady_clock;

  Handler(const rules::Catalog& catalog, engine::Config config, admission::Settings settings, LogSink log);

  // `target` may carry a query (the API server appends ?timeout=10s).
  // `received`: when the body was read; the work budget counts from there.
  // Never throws: a request that runs out of memory is answered 503.
  HttpReply handle(std::string_view method, std::string_view target, std::string_view body,
                   Clock::time_point received = Clock::now());

  void set_audit_hook(AuditHook hook) { audit_ = std::move(hook); }
  void set_gauges(GaugesHook gauges) { gauges_ = std::move(gauges); }
  // /readyz answers 503 once draining starts, so load balancers move away.
  void set_draining() { draining_ = true; }
  bool draining() const { return draining_; }
  // Swaps the configuration (SIGHUP): requests already deciding finish with
  // the one they started with.
  void reload(engine::Config config, admission::Settings settings);
  Metrics& metrics() { return metrics_; }
  admission::Settings settings() const { return policy()->settings; }

 private:
  struct Policy {
    engine::Config config;
    admission::Settings settings;
  };
  std::shared_ptr<const Policy> policy() const;
  HttpReply route(std::string_view method, std::string_view target, std::string_view body, Clock::time_point received);
  HttpReply validate(std::string_view body, Clock::time_point received);

  const rules::Catalog& catalog_;
  mutable std::mutex policy_mu_;
  std::shared_ptr<const Policy> policy_;
  LogSink log_;
  AuditHook audit_;
  GaugesHook gauges_;
  std::atomic<bool> draining_{false};
  Metrics metrics_;
};

}  // namespace kg::server
