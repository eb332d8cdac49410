#include "fronts/server/server.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <deque>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>

#include "fronts/server/process_stats.h"

namespace kg::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

constexpr uint32_t kHeaderLimit = 16 * 1024;

// Runs an io_context until it has no more work, carrying on past an
// exception (an allocation that failed in a completion handler ends that
// handler's work, not the server).
void run_context(net::io_context& ioc, const std::function<void(std::string_view)>& say) {
  while (true) {
    std::string_view what;
    try {
      ioc.run();
      return;
    } catch (const std::bad_alloc&) {
      what = "out of memory in a connection handler; that connection is dropped, serving goes on";
    } catch (const std::exception&) {
      what = "unexpected error in a connection handler; that connection is dropped, serving goes on";
    }
    try {
      say(what);  // may itself need memory that is not there
    } catch (...) {
    }
  }
}

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

TlsContext load_tls(const std::string& cert, const std::string& key, const std::string& client_ca) {
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
  if (!client_ca.empty()) {
    // Who may call: only a client with a certificate this CA signed (the API
    // server presents one when its admission configuration names it).
    ctx->load_verify_file(client_ca, ec);
    if (ec) return {nullptr, fmt::format("cannot use client CA {}: {}", client_ca, ec.message())};
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(client_ca.c_str());
    if (names != nullptr) SSL_CTX_set_client_CA_list(ctx->native_handle(), names);
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
  Limits limits;
  ByteBudget request_bytes{0};

  net::io_context ioc;  // the I/O threads
  tcp::acceptor acceptor{ioc};
  net::steady_timer accept_backoff{ioc};
  net::steady_timer shutdown_timer{ioc};

  // The heavy lane: large bodies are decided here, at lower CPU priority.
  net::io_context heavy;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> heavy_guard;
  std::atomic<size_t> heavy_waiting{0};

  // The plain-HTTP health and metrics listener, on its own thread.
  net::io_context health;
  tcp::acceptor health_acceptor{health};

  std::atomic<bool> draining{false};  // SIGTERM seen: /readyz 503, answers close their connection
  std::atomic<bool> closing{false};   // the listener is closed: idle connections go
  std::atomic<bool> finished{false};  // run() is returning: the signal thread ends
  std::atomic<size_t> connections{0};
  std::atomic<size_t> in_flight{0};

  std::mutex tls_mu;  // guards the fields below
  std::shared_ptr<ssl::context> tls;
  std::optional<FileStamp> cert_stamp, key_stamp, ca_stamp;
  std::chrono::steady_clock::time_point last_check;

  std::mutex sessions_mu;
  std::vector<std::weak_ptr<Session>> sessions;

  Impl(ServerOptions o, Handler& h, LogSink l) : options(std::move(o)), handler(h), log(std::move(l)) {}

  void say(std::string_view line) const {
    if (log) log(line);
  }

  // The context new connections get: reloaded when the files changed since
  // the last load (or when `force`) and all load together (a half-written
  // pair is retried at the next check, the old context serving meanwhile).
  std::shared_ptr<ssl::context> current_tls(bool force = false) {
    std::lock_guard lock(tls_mu);
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last_check < options.cert_check_interval) return tls;
    last_check = now;
    auto cert = stamp_of(options.cert_file);
    auto key = stamp_of(options.key_file);
    auto ca = options.client_ca_file.empty() ? std::nullopt : stamp_of(options.client_ca_file);
    if (!cert || !key) return tls;
    if (!force && cert == cert_stamp && key == key_stamp && ca == ca_stamp) return tls;
    TlsContext loaded = load_tls(options.cert_file, options.key_file, options.client_ca_file);
    if (!loaded.context) {
      say(fmt::format("certificate reload failed, still serving the previous one: {}", loaded.error));
      return tls;
    }
    tls = std::move(loaded.context);
    cert_stamp = cert;
    key_stamp = key;
    ca_stamp = ca;
    say(options.client_ca_file.empty() ? "certificate and key reloaded" : "certificate, key and client CA reloaded");
    return tls;
  }

  std::string gauges() const {
    std::string out;
    out += "# HELP kubeguard_connections Connections open on the webhook port.\n";
    out += "# TYPE kubeguard_connections gauge\n";
    out += fmt::format("kubeguard_connections {}\n", connections.load());
    out += "# HELP kubeguard_connections_limit Connections the webhook takes at once (from its memory).\n";
    out += "# TYPE kubeguard_connections_limit gauge\n";
    out += fmt::format("kubeguard_connections_limit {}\n", limits.max_connections);
    out += "# HELP kubeguard_requests_in_flight Requests read and not yet answered.\n";
    out += "# TYPE kubeguard_requests_in_flight gauge\n";
    out += fmt::format("kubeguard_requests_in_flight {}\n", in_flight.load());
    out += "# HELP kubeguard_request_memory_reserved_bytes Memory reserved by requests in flight.\n";
    out += "# TYPE kubeguard_request_memory_reserved_bytes gauge\n";
    out += fmt::format("kubeguard_request_memory_reserved_bytes {}\n", request_bytes.used());
    out += "# HELP kubeguard_request_memory_limit_bytes Memory requests in flight may reserve (from its memory).\n";
    out += "# TYPE kubeguard_request_memory_limit_bytes gauge\n";
    out += fmt::format("kubeguard_request_memory_limit_bytes {}\n", request_bytes.capacity());
    out += "# HELP kubeguard_draining 1 once SIGTERM started the drain.\n";
    out += "# TYPE kubeguard_draining gauge\n";
    out += fmt::format("kubeguard_draining {}\n", draining.load() ? 1 : 0);
    return out;
  }

  void accept();
  void on_accept(boost::system::error_code ec, tcp::socket socket);
  void accept_health();
  void begin_drain();
  void close_listener();
};

// One plain-HTTP exchange on the health port: GET /healthz, /readyz,
// /metrics; nothing else. Small, bounded, and on its own thread.
class HealthSession : public std::enable_shared_from_this<HealthSession> {
 public:
  HealthSession(tcp::socket&& socket, Server::Impl& server) : stream_(std::move(socket)), server_(server) {}
  void start() {
    stream_.expires_after(std::chrono::seconds(5));
    parser_.header_limit(kHeaderLimit);
    parser_.body_limit(0);
    http::async_read(stream_, buffer_, parser_, beast::bind_front_handler(&HealthSession::on_read, shared_from_this()));
  }

 private:
  void on_read(beast::error_code ec, size_t) {
    if (ec) return;
    auto& req = parser_.get();
    std::string_view target(req.target().data(), req.target().size());
    std::string_view method(req.method_string().data(), req.method_string().size());
    HttpReply reply = is_cheap_route(target) ? server_.handler.handle(method, target, "")
                                             : HttpReply{404, "text/plain; charset=utf-8",
                                                         "kubeguard: this port serves GET /healthz /readyz /metrics\n"};
    response_.version(req.version());
    response_.result(static_cast<http::status>(reply.status));
    response_.set(http::field::server, "kubeguard");
    response_.set(http::field::content_type, reply.content_type);
    response_.body() = std::move(reply.body);
    response_.keep_alive(false);
    response_.prepare_payload();
    stream_.expires_after(std::chrono::seconds(5));
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  beast::tcp_stream stream_;
  Server::Impl& server_;
  beast::flat_buffer buffer_{kHeaderLimit};
  http::request_parser<http::empty_body> parser_;
  http::response<http::string_body> response_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<ssl::context> tls, Server::Impl& server)
      : tls_(std::move(tls)), stream_(std::move(socket), *tls_), server_(server) {
    ++server_.connections;
  }
  ~Session() {
    release();
    --server_.connections;
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::on_start, shared_from_this()));
  }

  // Called when the listener closes: a kept-alive connection waiting for its
  // next request is closed now, unless bytes of one already arrived (those
  // are read and answered); one in the middle of a request finishes it
  // first. A new connection has its first request on the way (clients
  // connect to send one): it gets the read timeout to send it.
  void close_if_idle() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_ && self->answered_ > 0 && !self->bytes_waiting()) {
        beast::get_lowest_layer(self->stream_).socket().cancel();
      }
    });
  }

 private:
  bool bytes_waiting() {
    boost::system::error_code ec;
    size_t available = beast::get_lowest_layer(stream_).socket().available(ec);
    return (!ec && available > 0) || SSL_pending(stream_.native_handle()) > 0;
  }

  void on_start() {
    beast::get_lowest_layer(stream_).expires_after(server_.options.read_timeout);
    stream_.async_handshake(ssl::stream_base::server,
                            beast::bind_front_handler(&Session::on_handshake, shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return;  // scanners, clients that do not trust us (or we them), timeouts: nothing to answer
    wait_for_request(server_.options.read_timeout);
  }

  // Waits for the first byte of the next request (a new connection has the
  // read timeout for it, a kept-alive one the idle timeout), then gives the
  // whole request the read timeout.
  void wait_for_request(std::chrono::milliseconds wait) {
    if (buffer_.size() > 0) return read_request();
    if (server_.closing && answered_ > 0 && !bytes_waiting()) return close();
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
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  // A request that could not be read: answered when there is someone to
  // answer, else the connection is dropped.
  void refused_read(beast::error_code ec) {
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
    if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
      return refuse(400, fmt::format("kubeguard: malformed HTTP request: {}\n", ec.message()));
    }
    // Connection errors: nobody to answer.
  }

  void on_header(beast::error_code ec, size_t) {
    if (ec) return refused_read(ec);
    auto& req = parser_->get();
    std::string_view target(req.target().data(), req.target().size());
    // Health and metrics never wait for memory: they are what tells a
    // prober that the server is alive while it is busy.
    if (!is_cheap_route(target)) {
      auto length = parser_->content_length();
      size_t body = length ? static_cast<size_t>(*length) : server_.options.body_limit;
      if (body > server_.options.body_limit) {
        return refuse(413, fmt::format("kubeguard: body of {} bytes is over the {} byte limit\n", body,
                                       server_.options.body_limit));
      }
      size_t cost = request_cost(body);
      if (!server_.request_bytes.try_reserve(cost)) {
        return refuse(503, "kubeguard: busy (the memory for requests in flight is taken); retry\n", 1);
      }
      reserved_ = cost;
    }
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, size_t) {
    if (ec) {
      release();
      return refused_read(ec);
    }
    auto received = Handler::Clock::now();
    auto& req = parser_->get();
    std::string_view target(req.target().data(), req.target().size());
    bool keep_alive = req.keep_alive();
    unsigned version = req.version();
    if (is_cheap_route(target) || req.body().size() <= server_.options.heavy_body_bytes) {
      // Small: decided here, on the I/O thread (microseconds to a few ms).
      ++server_.in_flight;
      HttpReply reply = server_.handler.handle(method(), target, req.body(), received);
      --server_.in_flight;
      return respond(std::move(reply), keep_alive, version);
    }
    // Large: the heavy lane, if it has room; the connection waits.
    if (server_.heavy_waiting.fetch_add(1) >= server_.options.heavy_queue + server_.options.heavy_threads) {
      --server_.heavy_waiting;
      return refuse(503, "kubeguard: busy (too many large requests waiting); retry\n", 1);
    }
    ++server_.in_flight;
    net::post(server_.heavy, [self = shared_from_this(), received, keep_alive, version,
                              guard = net::make_work_guard(server_.ioc)]() mutable {
      auto& r = self->parser_->get();
      HttpReply reply = self->server_.handler.handle(
          self->method(), std::string_view(r.target().data(), r.target().size()), r.body(), received);
      --self->server_.heavy_waiting;
      --self->server_.in_flight;
      net::post(self->stream_.get_executor(), [self, reply = std::move(reply), keep_alive, version]() mutable {
        self->respond(std::move(reply), keep_alive, version);
      });
    });
  }

  std::string_view method() const {
    auto m = parser_->get().method_string();
    return {m.data(), m.size()};
  }

  void release() {
    if (reserved_ != 0) server_.request_bytes.release(reserved_);
    reserved_ = 0;
  }

  void refuse(int status, std::string body, int retry_after = 0) {
    release();
    linger_ = true;  // the rest of the request may still be on its way
    server_.handler.metrics().record_refused(status);
    server_.say(fmt::format("refused: {} {}", status, body.substr(0, body.size() - 1)));
    respond(HttpReply{status, "text/plain; charset=utf-8", std::move(body), retry_after}, false, 11);
  }

  void respond(HttpReply reply, bool keep_alive, unsigned version) {
    // The request's memory goes now; the answer is small.
    parser_.reset();
    release();
    response_ = {};
    response_.version(version);
    response_.result(static_cast<http::status>(reply.status));
    response_.set(http::field::server, "kubeguard");
    response_.set(http::field::content_type, reply.content_type);
    if (reply.retry_after_seconds > 0)
      response_.set(http::field::retry_after, std::to_string(reply.retry_after_seconds));
    response_.body() = std::move(reply.body);
    // Draining: every answer tells the client to go elsewhere for the next one.
    response_.keep_alive(keep_alive && !server_.draining);
    response_.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(server_.options.write_timeout);
    http::async_write(stream_, response_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, size_t) {
    if (ec) return;
    ++answered_;
    if (!response_.keep_alive()) return close();
    wait_for_request(server_.options.idle_timeout);
  }

  void close() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(1));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      auto& socket = beast::get_lowest_layer(self->stream_).socket();
      if (!self->linger_) {
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        return;
      }
      // A refused request's body may still be arriving: closing with unread
      // bytes would reset the connection and the client could lose our
      // answer. Stop sending, and read and drop what comes for a moment.
      socket.shutdown(tcp::socket::shutdown_send, ignored);
      self->discard(0);
    });
  }

  void discard(size_t dropped) {
    constexpr size_t kMaxDiscard = size_t{4} * 1024 * 1024;
    if (dropped > kMaxDiscard) return;
    auto& lowest = beast::get_lowest_layer(stream_);
    if (dropped == 0) lowest.expires_after(std::chrono::seconds(2));
    lowest.async_read_some(net::buffer(discard_buffer_),
                           [self = shared_from_this(), dropped](beast::error_code ec, size_t n) {
                             if (!ec) self->discard(dropped + n);
                           });
  }

  std::shared_ptr<ssl::context> tls_;  // before stream_: the stream refers to it
  beast::ssl_stream<beast::tcp_stream> stream_;
  Server::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  size_t reserved_ = 0;  // bytes of request_bytes this request holds
  bool idle_ = false;    // touched on the session's strand only
  bool linger_ = false;  // close after reading and dropping what the client still sends
  size_t answered_ = 0;  // requests answered on this connection
  std::array<char, 16 * 1024> discard_buffer_{};
};

void Server::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        [this](boost::system::error_code ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
}

void Server::Impl::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (closing) return;
  if (!ec && connections >= limits.max_connections) {
    handler.metrics().record_refused(503);
    boost::system::error_code ignored;
    socket.close(ignored);  // over the limit: closed before any TLS work
  } else if (!ec) {
    try {
      auto session = std::make_shared<Session>(std::move(socket), current_tls(), *this);
      {
        std::lock_guard lock(sessions_mu);
        if (sessions.size() > 2 * connections + 64) std::erase_if(sessions, [](const auto& w) { return w.expired(); });
        sessions.push_back(session);
      }
      session->start();
    } catch (const std::bad_alloc&) {
      handler.metrics().record_refused(503);
      say("out of memory accepting a connection; it is closed, serving goes on");
    }
  } else if (ec == net::error::operation_aborted) {
    return;
  } else {
    // Out of descriptors, or a connection reset before accept: passing, but
    // retrying at once would spin while descriptors stay exhausted.
    say(fmt::format("accept failed: {}; retrying in 50 ms", ec.message()));
    accept_backoff.expires_after(std::chrono::milliseconds(50));
    accept_backoff.async_wait([this](boost::system::error_code e) {
      if (!e && !closing) accept();
    });
    return;
  }
  accept();
}

void Server::Impl::accept_health() {
  health_acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !health_acceptor.is_open()) return;
    if (!ec) {
      try {
        std::make_shared<HealthSession>(std::move(socket), *this)->start();
      } catch (const std::bad_alloc&) {
      }
    }
    accept_health();
  });
}

// SIGTERM: /readyz turns 503 at once (the handler's flag is read by every
// thread, no queue in between), answers close their connections, and after
// shutdown_delay the listener closes.
void Server::Impl::begin_drain() {
  if (draining.exchange(true)) return;
  handler.set_draining();
  say(fmt::format("stopping: /readyz answers 503; the listener closes in {} ms; requests received are answered",
                  options.shutdown_delay.count()));
  net::post(ioc, [this] {
    shutdown_timer.expires_after(options.shutdown_delay);
    shutdown_timer.async_wait([this](boost::system::error_code) { close_listener(); });
  });
}

void Server::Impl::close_listener() {
  if (closing.exchange(true)) return;
  boost::system::error_code ignored;
  acceptor.close(ignored);
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
}

Server::Server(ServerOptions options, Handler& handler, LogSink log)
    : impl_(std::make_unique<Impl>(std::move(options), handler, std::move(log))) {}

Server::~Server() = default;

std::optional<std::string> Server::start() {
  Impl& s = *impl_;
  TlsContext loaded = load_tls(s.options.cert_file, s.options.key_file, s.options.client_ca_file);
  if (!loaded.context) return loaded.error;
  s.tls = std::move(loaded.context);
  s.cert_stamp = stamp_of(s.options.cert_file);
  s.key_stamp = stamp_of(s.options.key_file);
  if (!s.options.client_ca_file.empty()) s.ca_stamp = stamp_of(s.options.client_ca_file);
  s.last_check = std::chrono::steady_clock::now();

  std::string source = "--memory-limit";
  size_t memory = s.options.memory_limit != 0 ? s.options.memory_limit : detect_memory_limit(&source);
  s.limits = derive_limits(memory, std::move(source), s.options.max_connections);
  s.request_bytes.set_capacity(s.limits.max_request_bytes);
  s.handler.set_gauges([&s] { return s.gauges(); });

  std::string error;
  auto endpoint = parse_listen(s.options.listen, &error);
  if (!endpoint) return error;
  boost::system::error_code ec;
  s.acceptor.open(endpoint->protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(*endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fmt::format("cannot listen on {}: {}", s.options.listen, ec.message());
  if (!s.options.health_listen.empty()) {
    auto health = parse_listen(s.options.health_listen, &error);
    if (!health) return error;
    s.health_acceptor.open(health->protocol(), ec);
    if (!ec) s.health_acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) s.health_acceptor.bind(*health, ec);
    if (!ec) s.health_acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return fmt::format("cannot listen on {}: {}", s.options.health_listen, ec.message());
    s.accept_health();
  }
  if (s.options.handle_signals) {
    // Blocked here, before any serving thread starts, so every thread
    // inherits the mask and only the signal thread of run() takes them.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
  }
  s.accept();
  return std::nullopt;
}

unsigned short Server::port() const {
  boost::system::error_code ec;
  auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

unsigned short Server::health_port() const {
  boost::system::error_code ec;
  auto endpoint = impl_->health_acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

const Limits& Server::limits() const { return impl_->limits; }

void Server::run() {
  Impl& s = *impl_;
  auto say = [&s](std::string_view line) { s.say(line); };
  unsigned n = s.options.threads != 0 ? s.options.threads : std::max(1u, std::thread::hardware_concurrency());

  // Signals on a thread of their own: a drain starts at once, however busy
  // the serving threads are.
  std::thread signal_thread;
  if (s.options.handle_signals) {
    signal_thread = std::thread([&s] {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGTERM);
      sigaddset(&set, SIGINT);
      sigaddset(&set, SIGHUP);
      timespec tick{0, 100'000'000};
      while (!s.finished) {
        int sig = sigtimedwait(&set, nullptr, &tick);
        if (sig == SIGHUP) {
          s.say("SIGHUP: reloading the configuration and the certificates");
          if (s.options.on_reload) s.options.on_reload();
          s.current_tls(true);
        } else if (sig == SIGTERM || sig == SIGINT) {
          s.begin_drain();
        }
      }
    });
  }

  s.heavy_guard.emplace(net::make_work_guard(s.heavy));
  std::vector<std::thread> heavy_pool;
  for (unsigned i = 0; i < std::max(1u, s.options.heavy_threads); ++i) {
    heavy_pool.emplace_back([&s, say] {
      // Lower priority than the I/O threads (Linux: per thread), so large
      // requests take what CPU ordinary ones leave.
      setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
      run_context(s.heavy, say);
    });
  }
  std::thread health_thread;
  if (s.health_acceptor.is_open()) health_thread = std::thread([&s, say] { run_context(s.health, say); });

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < n; ++i) pool.emplace_back([&s, say] { run_context(s.ioc, say); });
  run_context(s.ioc, say);
  for (auto& t : pool) t.join();

  s.heavy_guard.reset();
  for (auto& t : heavy_pool) t.join();
  if (health_thread.joinable()) {
    net::post(s.health, [&s] {
      boost::system::error_code ignored;
      s.health_acceptor.close(ignored);
    });
    health_thread.join();
  }
  s.finished = true;
  if (signal_thread.joinable()) signal_thread.join();
  s.say("stopped");
}

void Server::stop() {
  // Without a delay: what a test or an embedding program asks for.
  impl_->draining = true;
  impl_->handler.set_draining();
  impl_->say("stopping: no new connections; answering the requests in flight");
  net::post(impl_->ioc, [this] { impl_->close_listener(); });
}

void Server::reload_certificates() { impl_->current_tls(true); }

}  // namespace kg::server
