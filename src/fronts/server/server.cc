#include "fronts/server/server.h"

#include <sys/stat.h>

#include <csignal>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>

namespace kg::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

constexpr uint32_t kHeaderLimit = 16 * 1024;

// What identifies a version of a file on disk: a rename (how kubelet updates a
// mounted Secret) changes the inode, an in-place write the time or size.
struct FileStamp {
  ino_t inode = 0;
  int64_t mtime_ns = 0;
  off_t size = 0;
  bool operator==(const FileStamp&) const = default;
};

std::optional<FileStamp> stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileStamp{st.st_ino, static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec, st.st_size};
}

struct TlsContext {
  std::shared_ptr<ssl::context> context;
  std::string error;
};

TlsContext load_tls(const std::string& cert, const std::string& key) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert, ec);
  if (ec) return {nullptr, fmt::format("cannot use certificate {}: {}", cert, ec.message())};
  ctx->use_private_key_file(key, ssl::context::pem, ec);
  if (ec) return {nullptr, fmt::format("cannot use key {}: {}", key, ec.message())};
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return {nullptr, fmt::format("key {} does not match certificate {}", key, cert)};
  }
  return {std::move(ctx), {}};
}

std::optional<tcp::endpoint> parse_listen(const std::string& listen, std::string* error) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    *error = fmt::format("--listen '{}' is not HOST:PORT", listen);
    return std::nullopt;
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  unsigned long port = 0;
  try {
    size_t used = 0;
    port = std::stoul(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1 || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    *error = fmt::format("--listen '{}': the port is not a number from 0 to 65535", listen);
    return std::nullopt;
  }
  boost::system::error_code ec;
  net::ip::address address = net::ip::make_address(host, ec);
  if (ec) {
    *error = fmt::format("--listen '{}': '{}' is not an IP address", listen, host);
    return std::nullopt;
  }
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

}  // namespace

class Session;

struct Server::Impl {
  ServerOptions options;
  Handler& handler;
  LogSink log;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::signal_set signals{ioc};
  net::steady_timer accept_backoff{ioc};
  std::atomic<bool> stopping{false};
  std::atomic<size_t> connections{0};

  std::mutex tls_mu;  // guards the fields below
  std::shared_ptr<ssl::context> tls;
  std::optional<FileStamp> cert_stamp, key_stamp;
  std::chrono::steady_clock::time_point last_check;

  std::mutex sessions_mu;
  std::vector<std::weak_ptr<Session>> sessions;

  Impl(ServerOptions o, Handler& h, LogSink l) : options(std::move(o)), handler(h), log(std::move(l)) {}

  void say(std::string_view line) const {
    if (log) log(line);
  }

  // The context new connections get: reloaded when the files changed since
  // the last load and both load as a matching pair (a half-written pair is
  // retried at the next check, the old context serving meanwhile).
  std::shared_ptr<ssl::context> current_tls() {
    std::lock_guard lock(tls_mu);
    auto now = std::chrono::steady_clock::now();
    if (now - last_check < options.cert_check_interval) return tls;
    last_check = now;
    auto cert = stamp_of(options.cert_file);
    auto key = stamp_of(options.key_file);
    if (!cert || !key || (cert == cert_stamp && key == key_stamp)) return tls;
    TlsContext loaded = load_tls(options.cert_file, options.key_file);
    if (!loaded.context) {
      say(fmt::format("certificate reload failed, still serving the previous one: {}", loaded.error));
      return tls;
    }
    tls = std::move(loaded.context);
    cert_stamp = cert;
    key_stamp = key;
    say("certificate and key reloaded");
    return tls;
  }

  void accept();
  void on_accept(boost::system::error_code ec, tcp::socket socket);
  void begin_stop();
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<ssl::context> tls, Server::Impl& server)
      : tls_(std::move(tls)), stream_(std::move(socket), *tls_), server_(server) {
    ++server_.connections;
  }
  ~Session() { --server_.connections; }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::on_start, shared_from_this()));
  }

  // Called on shutdown: a connection waiting for its next request is closed
  // now; one in the middle of a request finishes it first.
  void close_if_idle() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_) beast::get_lowest_layer(self->stream_).socket().cancel();
    });
  }

 private:
  void on_start() {
    beast::get_lowest_layer(stream_).expires_after(server_.options.read_timeout);
    stream_.async_handshake(ssl::stream_base::server,
                            beast::bind_front_handler(&Session::on_handshake, shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return;  // scanners, clients that do not trust us, timeouts: nothing to answer
    wait_for_request(server_.options.read_timeout);
  }

  // Waits for the first byte of the next request (a new connection has the
  // read timeout for it, a kept-alive one the idle timeout), then gives the
  // whole request the read timeout.
  void wait_for_request(std::chrono::milliseconds wait) {
    if (server_.stopping) return close();
    if (buffer_.size() > 0) return read_request();
    idle_ = true;
    beast::get_lowest_layer(stream_).expires_after(wait);
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->idle_ = false;
      if (ec || n == 0) return;  // closed by the client, idle timeout, or shutdown: drop silently
      self->buffer_.commit(n);
      self->read_request();
    });
  }

  void read_request() {
    idle_ = false;
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    parser_->header_limit(kHeaderLimit);
    beast::get_lowest_layer(stream_).expires_after(server_.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == ssl::error::stream_truncated) return;
    if (ec == beast::error::timeout) {
      server_.handler.metrics().record_refused(408);
      server_.say("refused: 408 request not received within the read timeout");
      return;  // the deadline passed: answering could block as well
    }
    if (ec == http::error::body_limit || ec == http::error::buffer_overflow || ec == http::error::header_limit) {
      return refuse(413, fmt::format("kubeguard: request over the limit ({} bytes of body, {} of headers)\n",
                                     server_.options.body_limit, kHeaderLimit));
    }
    if (ec) {
      if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
        return refuse(400, fmt::format("kubeguard: malformed HTTP request: {}\n", ec.message()));
      }
      return;  // connection errors: nobody to answer
    }
    auto& req = parser_->get();
    auto view = [](beast::string_view v) { return std::string_view(v.data(), v.size()); };
    HttpReply reply = server_.handler.handle(view(req.method_string()), view(req.target()), req.body());
    bool keep_alive = req.keep_alive() && !server_.stopping;
    respond(std::move(reply), keep_alive, req.version());
  }

  void refuse(int status, std::string body) {
    server_.handler.metrics().record_refused(status);
    server_.say(fmt::format("refused: {} {}", status, body.substr(0, body.size() - 1)));
    respond(HttpReply{status, "text/plain; charset=utf-8", std::move(body)}, false, 11);
  }

  void respond(HttpReply reply, bool keep_alive, unsigned version) {
    response_ = {};
    response_.version(version);
    response_.result(static_cast<http::status>(reply.status));
    response_.set(http::field::server, "kubeguard");
    response_.set(http::field::content_type, reply.content_type);
    response_.body() = std::move(reply.body);
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(server_.options.write_timeout);
    http::async_write(stream_, response_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, size_t) {
    if (ec) return;
    if (!response_.keep_alive()) return close();
    wait_for_request(server_.options.idle_timeout);
  }

  void close() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(1));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  std::shared_ptr<ssl::context> tls_;  // before stream_: the stream refers to it
  beast::ssl_stream<beast::tcp_stream> stream_;
  Server::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  bool idle_ = false;  // touched on the session's strand only
};

void Server::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        [this](boost::system::error_code ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
}

void Server::Impl::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (stopping) return;
  if (!ec && connections >= options.max_connections) {
    handler.metrics().record_refused(503);
    boost::system::error_code ignored;
    socket.close(ignored);  // over the limit: closed before any TLS work
  } else if (!ec) {
    auto session = std::make_shared<Session>(std::move(socket), current_tls(), *this);
    {
      std::lock_guard lock(sessions_mu);
      std::erase_if(sessions, [](const auto& w) { return w.expired(); });
      sessions.push_back(session);
    }
    session->start();
  } else if (ec == net::error::operation_aborted) {
    return;
  } else {
    // Out of descriptors, or a connection reset before accept: passing, but
    // retrying at once would spin while descriptors stay exhausted.
    say(fmt::format("accept failed: {}; retrying in 50 ms", ec.message()));
    accept_backoff.expires_after(std::chrono::milliseconds(50));
    accept_backoff.async_wait([this](boost::system::error_code e) {
      if (!e && !stopping) accept();
    });
    return;
  }
  accept();
}

void Server::Impl::begin_stop() {
  if (stopping.exchange(true)) return;
  handler.set_draining();
  say("stopping: no new connections; answering the requests in flight");
  net::post(ioc, [this] {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    accept_backoff.cancel();
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(sessions_mu);
      for (auto& w : sessions) {
        if (auto s = w.lock()) live.push_back(std::move(s));
      }
      sessions.clear();
    }
    for (auto& s : live) s->close_if_idle();
  });
}

Server::Server(ServerOptions options, Handler& handler, LogSink log)
    : impl_(std::make_unique<Impl>(std::move(options), handler, std::move(log))) {}

Server::~Server() = default;

std::optional<std::string> Server::start() {
  Impl& s = *impl_;
  TlsContext loaded = load_tls(s.options.cert_file, s.options.key_file);
  if (!loaded.context) return loaded.error;
  s.tls = std::move(loaded.context);
  s.cert_stamp = stamp_of(s.options.cert_file);
  s.key_stamp = stamp_of(s.options.key_file);
  s.last_check = std::chrono::steady_clock::now();

  std::string error;
  auto endpoint = parse_listen(s.options.listen, &error);
  if (!endpoint) return error;
  boost::system::error_code ec;
  s.acceptor.open(endpoint->protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(*endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fmt::format("cannot listen on {}: {}", s.options.listen, ec.message());
  if (s.options.handle_signals) {
    s.signals.add(SIGTERM);
    s.signals.add(SIGINT);
    s.signals.async_wait([&s](boost::system::error_code e, int) {
      if (!e) s.begin_stop();
    });
  }
  s.accept();
  return std::nullopt;
}

unsigned short Server::port() const {
  boost::system::error_code ec;
  auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void Server::run() {
  unsigned n = impl_->options.threads != 0 ? impl_->options.threads : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < n; ++i) pool.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : pool) t.join();
  impl_->say("stopped");
}

void Server::stop() { impl_->begin_stop(); }

}  // namespace kg::server
