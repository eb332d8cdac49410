// Fixed-rate load on an admission webhook (`kubeguard serve` POST /validate,
// or a peer such as Kyverno's /validate/fail) over TLS with keep-alive.
//
//   admission_load --port P --ca ca.crt --body review.json --rate R --seconds S [--connections C]
//                  [--path /validate]
//
// Each connection sends at its share of the rate on a fixed schedule; the
// latency of a request is measured from when it was scheduled, not from when
// it was sent, so a server that falls behind is charged for the queue it
// causes (no coordinated omission). Prints achieved throughput and latency
// percentiles as one line of text, with how many answers denied the request
// (`"allowed":false`), so a server that answers without deciding shows.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int port = 8443;
  std::string ca;
  std::string body_file;
  double rate = 1000;
  double seconds = 10;
  int connections = 4;
  std::string path = "/validate";
};

struct Result {
  std::vector<double> latencies_ms;
  size_t errors = 0;
  size_t denied = 0;
};

SSL* connect_tls(SSL_CTX* ctx, int port, int* fd_out) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return nullptr;
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) != 1) return nullptr;
  *fd_out = fd;
  return ssl;
}

bool read_more(SSL* ssl, std::string& buffer) {
  char chunk[65536];
  int n = SSL_read(ssl, chunk, sizeof chunk);
  if (n <= 0) return false;
  buffer.append(chunk, static_cast<size_t>(n));
  return true;
}

// Reads one response, framed by Content-Length or chunked (Go's net/http
// chunks an answer it did not size, such as Kyverno's longer denials);
// returns its status or 0, and the body in `body`.
int read_response(SSL* ssl, std::string& buffer, std::string& body) {
  size_t end;
  while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (!read_more(ssl, buffer)) return 0;
  }
  int status = std::atoi(buffer.c_str() + 9);
  std::string head = buffer.substr(0, end + 2);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  buffer.erase(0, end + 4);
  body.clear();
  if (head.find("\r\ntransfer-encoding: chunked\r\n") != std::string::npos) {
    while (true) {
      size_t line;
      while ((line = buffer.find("\r\n")) == std::string::npos) {
        if (!read_more(ssl, buffer)) return 0;
      }
      size_t size = std::strtoul(buffer.c_str(), nullptr, 16);
      while (buffer.size() < line + 2 + size + 2) {
        if (!read_more(ssl, buffer)) return 0;
      }
      body.append(buffer, line + 2, size);
      buffer.erase(0, line + 2 + size + 2);  // a last chunk has no trailers here
      if (size == 0) return status;
    }
  }
  size_t cl = head.find("\r\ncontent-length: ");
  size_t length = cl == std::string::npos ? 0 : std::strtoul(head.c_str() + cl + 18, nullptr, 10);
  while (buffer.size() < length) {
    if (!read_more(ssl, buffer)) return 0;
  }
  body.assign(buffer, 0, length);
  buffer.erase(0, length);
  return status;
}

void run_connection(const Options& o, SSL_CTX* ctx, const std::string& request, Clock::time_point start,
                    Result& result) {
  int fd = -1;
  SSL* ssl = connect_tls(ctx, o.port, &fd);
  if (ssl == nullptr) {
    result.errors = 1;
    return;
  }
  auto interval = std::chrono::duration<double>(o.connections / o.rate);
  auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  std::string buffer;
  std::string body;
  for (size_t k = 0;; ++k) {
    auto scheduled = start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(k));
    if (scheduled >= end) break;
    std::this_thread::sleep_until(scheduled);
    if (SSL_write(ssl, request.data(), static_cast<int>(request.size())) <= 0) {
      ++result.errors;
      break;
    }
    int status = read_response(ssl, buffer, body);
    if (status != 200) ++result.errors;
    if (status == 0) break;
    if (body.find("\"allowed\":false") != std::string::npos) ++result.denied;
    result.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - scheduled).count());
  }
  SSL_free(ssl);
  ::close(fd);
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    std::string v = argv[i + 1];
    if (k == "--port") o.port = std::atoi(v.c_str());
    else if (k == "--ca") o.ca = v;
    else if (k == "--body") o.body_file = v;
    else if (k == "--rate") o.rate = std::atof(v.c_str());
    else if (k == "--seconds") o.seconds = std::atof(v.c_str());
    else if (k == "--connections") o.connections = std::atoi(v.c_str());
    else if (k == "--path") o.path = v;
    else {
      std::fprintf(stderr, "admission_load: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  std::ifstream in(o.body_file, std::ios::binary);
  std::stringstream body;
  body << in.rdbuf();
  if (o.ca.empty() || body.str().empty() || o.rate <= 0 || o.connections <= 0) {
    std::fprintf(stderr,
                 "usage: admission_load --port P --ca F --body F --rate R --seconds S [--connections C] [--path P]\n");
    return 2;
  }
  std::string request = "POST " + o.path +
                        "?timeout=10s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                        "Content-Length: " + std::to_string(body.str().size()) + "\r\n\r\n" + body.str();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_load_verify_locations(ctx, o.ca.c_str(), nullptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);

  std::vector<Result> results(static_cast<size_t>(o.connections));
  std::vector<std::thread> threads;
  auto start = Clock::now() + std::chrono::milliseconds(200);  // every connection's handshake done before
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back(run_connection, std::cref(o), ctx, std::cref(request), start, std::ref(results[c]));
  }
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  size_t errors = 0;
  size_t denied = 0;
  for (auto& r : results) {
    all.insert(all.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    errors += r.errors;
    denied += r.denied;
  }
  std::sort(all.begin(), all.end());
  std::printf(
      "body=%s bytes=%zu rate=%.0f connections=%d requests=%zu errors=%zu denied=%zu achieved=%.0f/s "
      "p50=%.3fms p99=%.3fms p99.9=%.3fms max=%.3fms\n",
      o.body_file.substr(o.body_file.rfind('/') + 1).c_str(), body.str().size(), o.rate, o.connections, all.size(),
      errors, denied, static_cast<double>(all.size()) / elapsed, percentile(all, 50), percentile(all, 99),
      percentile(all, 99.9), all.empty() ? 0 : all.back());
  SSL_CTX_free(ctx);
  return errors == 0 ? 0 : 1;
}
