// The webhook's HTTP routes as a pure function of (method, target, body):
// no sockets here, so every answer is testable without a network and the
// Beast code stays in server.cc.
#pragma once

#include <atomic>
#include <functional>
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

class Handler {
 public:
  Handler(const rules::Catalog& catalog, engine::Config config, admission::Settings settings, LogSink log);

  // `target` may carry a query (the API server appends ?timeout=10s).
  HttpReply handle(std::string_view method, std::string_view target, std::string_view body);

  void set_audit_hook(AuditHook hook) { audit_ = std::move(hook); }
  // /readyz answers 503 once draining starts, so load balancers move away.
  void set_draining() { draining_ = true; }
  Metrics& metrics() { return metrics_; }
  const admission::Settings& settings() const { return settings_; }

 private:
  HttpReply validate(std::string_view body);

  const rules::Catalog& catalog_;
  engine::Config config_;
  admission::Settings settings_;
  LogSink log_;
  AuditHook audit_;
  std::atomic<bool> draining_{false};
  Metrics metrics_;
};

}  // namespace kg::server
