// The HTTPS front of `kubeguard serve`: TLS 1.2+, HTTP/1.1 keep-alive, one
// io_context run by a thread per core. Boost.Beast lives only in server.cc;
// this header keeps it out of everything that includes it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "fronts/server/handler.h"

namespace kg::server {

struct ServerOptions {
  std::string listen = "0.0.0.0:8443";  // HOST:PORT or :PORT; port 0 picks a free one
  std::string cert_file;                // PEM chain; reloaded when it or the key changes
  std::string key_file;
  unsigned threads = 0;  // 0: one per core
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
  // so a flood of idle clients cannot use up descriptors.
  size_t max_connections = 10'000;
  bool handle_signals = false;  // SIGTERM and SIGINT start a drain
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
  // Serves until stop() (or a signal) and until the requests in flight are
  // answered; blocks the calling thread, which serves too.
  void run();
  // Stops accepting, closes idle connections, lets the others finish their
  // request; safe from any thread.
  void stop();

  struct Impl;  // defined in server.cc, where the connections reach it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kg::server
