// The HTTPS front of `kubeguard serve`: TLS 1.2+, HTTP/1.1 keep-alive.
//
// Threads: I/O threads (TLS, HTTP, health, small decisions); a heavy lane at
// lower CPU priority that decides large bodies, so a few hostile requests
// cannot hold the threads that ordinary ones need; an optional plain-HTTP
// port with its own thread for /healthz, /readyz and /metrics; a signal
// thread (SIGTERM, SIGINT drain; SIGHUP reloads). What is taken on at once
// (connections, bytes of requests in flight) is derived from the memory the
// process is given (limits.h). Boost.Beast lives only in server.cc.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "fronts/server/handler.h"
#include "fronts/server/limits.h"

namespace kg::server {

struct ServerOptions {
  std::string listen = "0.0.0.0:8443";  // HOST:PORT or :PORT; port 0 picks a free one
  std::string cert_file;                // PEM chain; reloaded when it or the key changes
  std::string key_file;
  // When set, every client must present a certificate this CA (PEM) signed:
  // the API server does, when its admission configuration names one.
  std::string client_ca_file;
  unsigned threads = 0;  // I/O threads; 0: one per core
  // Bodies larger than this are decided on the heavy lane: `heavy_threads`
  // threads at nice +10, at most `heavy_queue` requests waiting for them.
  size_t heavy_body_bytes = 64 * 1024;
  unsigned heavy_threads = 1;
  size_t heavy_queue = 4;
  // From the first byte of a request to its last (handshake included on a new
  // connection): a client that trickles headers or a body is cut off here.
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds write_timeout{10'000};
  // How long a keep-alive connection may wait for its next request.
  std::chrono::milliseconds idle_timeout{60'000};
  // How often, at most, the certificate files are looked at (on accept).
  std::chrono::milliseconds cert_check_interval{1'000};
  size_t body_limit = kMaxBodyBytes;
  // Connections open at once; more are closed as soon as they are accepted,
  // so a flood of idle clients cannot use up descriptors. The limit derived
  // from memory may be lower.
  size_t max_connections = 10'000;
  // What the limits are derived from; 0: the cgroup's limit, else the machine's.
  size_t memory_limit = 0;
  // After SIGTERM, how long to go on accepting and answering (with /readyz
  // 503 and Connection: close) before the listener closes, so endpoints move
  // away before connections are refused.
  std::chrono::milliseconds shutdown_delay{0};
  // Optional HOST:PORT of a plain-HTTP listener with its own thread for
  // /healthz, /readyz and /metrics (what probes and Prometheus read).
  std::string health_listen;
  bool handle_signals = false;  // SIGTERM and SIGINT drain, SIGHUP reloads
  // Called on SIGHUP before the certificates are reloaded (the configuration).
  std::function<void()> on_reload;
};

class Server {
 public:
  Server(ServerOptions options, Handler& handler, LogSink log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the certificate and binds; the error says what failed.
  std::optional<std::string> start();
  unsigned short port() const;
  unsigned short health_port() const;  // 0 when there is no plain-HTTP listener
  const Limits& limits() const;
  // Serves until stop() (or a signal) and until the requests in flight are
  // answered; blocks the calling thread, which serves too.
  void run();
  // Stops accepting, closes idle connections, lets the others finish their
  // request; safe from any thread (what SIGTERM does, after shutdown_delay).
  void stop();
  // Reloads the certificates (and client CA) now; what SIGHUP does after on_reload.
  void reload_certificates();

  struct Impl;  // defined in server.cc, where the connections reach it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kg::server
