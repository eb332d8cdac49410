// Real TLS on loopback for the server tests: a CA and server certificates made
// with the openssl command in a temporary directory, and a small blocking
// HTTPS client over OpenSSL that verifies the server against that CA and can
// misbehave on purpose (trickle bytes, stop mid-request). Header-only.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace kg::testing {

// A temporary directory with ca.crt, and server.crt/server.key signed by it
// for IP 127.0.0.1 and DNS localhost. issue() makes another server pair with
// another common name (for reload tests).
class TestPki {
 public:
  TestPki() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kg-pki-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data()) != nullptr ? tmpl : std::string();
    ok_ = !dir_.empty() &&
          sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
             "-subj /CN=kubeguard-test-ca -keyout ca.key -out ca.crt") &&
          issue("server", "kubeguard-test-1");
  }
  ~TestPki() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  bool ok() const { return ok_; }
  std::string path(std::string_view name) const { return dir_ + "/" + std::string(name); }

  // Makes NAME.crt and NAME.key of a client (extendedKeyUsage clientAuth)
  // signed by this CA, or by a CA of its own when `foreign` (a caller the
  // server must not trust).
  bool issue_client(const std::string& name, const std::string& cn, bool foreign = false) const {
    std::string ca = foreign ? "other-ca" : "ca";
    return (!foreign || sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
                           "-subj /CN=other-ca -keyout other-ca.key -out other-ca.crt")) &&
           sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=" + cn + " -keyout " +
              name + ".key -out " + name + ".csr") &&
           sh("printf 'extendedKeyUsage=clientAuth\\n' > " + name + ".ext") &&
           sh("openssl x509 -req -in " + name + ".csr -CA " + ca + ".crt -CAkey " + ca +
              ".key -CAcreateserial -days 2 " + "-extfile " + name + ".ext -out " + name + ".crt");
  }

  // Makes NAME.crt and NAME.key for 127.0.0.1 with common name `cn`.
  bool issue(const std::string& name, const std::string& cn) const {
    return sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=" + cn + " -keyout " +
              name + ".key -out " + name + ".csr") &&
           sh("printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > " + name +
              ".ext") &&
           sh("openssl x509 -req -in " + name + ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile " +
              name + ".ext -out " + name + ".crt");
  }

 private:
  bool sh(const std::string& command) const {
    std::string full = "cd '" + dir_ + "' && (" + command + ") >/dev/null 2>&1";
    return std::system(full.c_str()) == 0;
  }

  std::string dir_;
  bool ok_ = false;
};

struct HttpAnswer {
  int status = 0;
  std::string headers;  // raw, lower-cased names not guaranteed
  std::string body;
  bool header(std::string_view text) const { return headers.find(text) != std::string::npos; }
};

class TlsClient {
 public:
  TlsClient() = default;
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;
  ~TlsClient() { close(); }

  // Connects and completes the handshake; max_version limits the protocol (to
  // check that old ones are refused).
  bool connect(unsigned short port, const std::string& ca_file, int max_version = 0,
               const std::string& client_cert = "", const std::string& client_key = "") {
    std::signal(SIGPIPE, SIG_IGN);  // writing to a connection the server closed must fail, not kill the test
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx_ == nullptr || SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr) != 1) return false;
    // A record without application data (a TLS 1.3 session ticket) makes
    // SSL_read return WANT_READ instead of blocking on the socket for data
    // that may never come: read() and closed_by_peer() keep their deadlines.
    SSL_CTX_clear_mode(ctx_, SSL_MODE_AUTO_RETRY);
    if (!client_cert.empty() && (SSL_CTX_use_certificate_chain_file(ctx_, client_cert.c_str()) != 1 ||
                                 SSL_CTX_use_PrivateKey_file(ctx_, client_key.c_str(), SSL_FILETYPE_PEM) != 1)) {
      return false;
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    if (max_version != 0) {
      SSL_CTX_set_min_proto_version(ctx_, TLS1_VERSION);
      SSL_CTX_set_max_proto_version(ctx_, max_version);
      SSL_CTX_set_security_level(ctx_, 0);
    }
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), "127.0.0.1");
    return SSL_connect(ssl_) == 1;
  }

  std::string peer_common_name() const {
    X509* cert = SSL_get1_peer_certificate(ssl_);
    if (cert == nullptr) return {};
    char buf[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
    X509_free(cert);
    return buf;
  }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      int n = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  static std::string request(std::string_view method, std::string_view target, std::string_view body,
                             std::string_view extra_headers = "") {
    std::string r = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    r += std::string(extra_headers);
    r += "\r\n";
    r += body;
    return r;
  }

  // Reads one response (Content-Length framed); nullopt when the connection
  // closed or nothing came within `timeout`.
  std::optional<HttpAnswer> read(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      size_t end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        HttpAnswer a;
        a.headers = buffer_.substr(0, end);
        a.status = std::atoi(a.headers.c_str() + a.headers.find(' ') + 1);
        size_t cl = a.headers.find("Content-Length: ");
        size_t length = cl == std::string::npos ? 0 : std::strtoul(a.headers.c_str() + cl + 16, nullptr, 10);
        if (buffer_.size() >= end + 4 + length) {
          a.body = buffer_.substr(end + 4, length);
          buffer_.erase(0, end + 4 + length);
          return a;
        }
      }
      if (!fill(deadline)) return std::nullopt;
    }
  }

  // True when the server closed the connection (EOF or reset) within `timeout`.
  bool closed_by_peer(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (fill(deadline)) {
    }
    return eof_;
  }

  void close() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
    ssl_ = nullptr;
    ctx_ = nullptr;
    fd_ = -1;
  }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline) {
    char chunk[16384];
    while (SSL_pending(ssl_) == 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, static_cast<int>(left.count()));
      if (r < 0) return false;
      if (r > 0) break;
    }
    int n = SSL_read(ssl_, chunk, sizeof chunk);
    if (n <= 0) {
      int e = SSL_get_error(ssl_, n);
      if (e == SSL_ERROR_WANT_READ) return true;  // a TLS record without application data
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace kg::testing
