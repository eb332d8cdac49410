// The webhook under attack, each with a bound that fails the test: hostile
// bodies from two clients while ordinary requests keep their p99 under
// 100 ms and the health answers come back; slow clients cut off while others
// are served; a flood of requests over the memory for requests in flight
// refused with 503 while the server keeps serving; callers without a client
// certificate turned away when a client CA is set. In process, over real TLS
// on loopback; a few seconds each.
#include <algorithm>
#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "admission/hostile_shapes.h"
#include "admission/review_support.h"
#include "fronts/server/server.h"
#include "server/tls_support.h"
#include "support/test_support.h"

namespace kg::server {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::TlsClient;

std::string small_review(const std::string& uid) {
  testing::ReviewSpec spec;
  spec.uid = uid;
  spec.object_yaml =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n"
      "  - {name: web, image: nginx:1.27, securityContext: {privileged: true}}\n";
  return testing::review_json(spec);
}

// The largest hostile pod the API server would forward: close to 3 MiB of
// hostPath volumes mounted by one container.
std::string hostile_review() {
  testing::HostileShape s;
  s.host_path_volumes = 24'000;
  return testing::hostile_pod_review(s);
}

class Served {
 public:
  explicit Served(ServerOptions extra = {}) {
    EXPECT_TRUE(pki.ok());
    handler = std::make_unique<Handler>(kg::testing::catalog(), engine::Config{}, admission::Settings{}, nullptr);
    ServerOptions options = std::move(extra);
    options.listen = "127.0.0.1:0";
    if (options.health_listen.empty()) options.health_listen = "127.0.0.1:0";
    options.cert_file = pki.path("server.crt");
    options.key_file = pki.path("server.key");
    if (options.threads == 0) options.threads = 2;
    server = std::make_unique<Server>(options, *handler, nullptr);
    auto error = server->start();
    EXPECT_FALSE(error) << *error;
    runner = std::thread([this] { server->run(); });
  }
  ~Served() {
    server->stop();
    runner.join();
  }
  Served(const Served&) = delete;
  Served& operator=(const Served&) = delete;

  unsigned short port() const { return server->port(); }

  testing::TestPki pki;
  std::unique_ptr<Handler> handler;
  std::unique_ptr<Server> server;
  std::thread runner;
};

// GET over plain HTTP on the health port: the status, or 0.
int plain_get(unsigned short port, std::string_view path, std::chrono::milliseconds timeout = 2s) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int status = 0;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string request = fmt::format("GET {} HTTP/1.1\r\nHost: x\r\n\r\n", path);
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
      pollfd p{fd, POLLIN, 0};
      char buf[512] = {};
      if (::poll(&p, 1, static_cast<int>(timeout.count())) > 0 && ::recv(fd, buf, sizeof buf - 1, 0) > 12) {
        status = std::atoi(buf + 9);
      }
    }
  }
  ::close(fd);
  return status;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t at = std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())));
  return values[at];
}

// Two clients send the largest hostile pods back to back; ordinary requests
// at a steady pace keep their p99 under 100 ms (the API server's timeout is
// seconds), and /healthz keeps answering on both ports.
TEST(ServerAttack, OrdinaryRequestsStayFastWhileTwoClientsSendHostileBodies) {
  Served served;
  const std::string hostile = TlsClient::request("POST", "/validate", hostile_review());
  std::atomic<bool> stop{false};
  std::atomic<int> hostile_answered{0};
  std::vector<std::thread> attackers;
  for (int a = 0; a < 2; ++a) {
    attackers.emplace_back([&] {
      while (!stop) {
        TlsClient c;
        if (!c.connect(served.port(), served.pki.path("ca.crt"))) continue;
        while (!stop && c.send(hostile)) {
          auto answer = c.read(20s);
          if (!answer) break;
          ++hostile_answered;
        }
      }
    });
  }
  std::this_thread::sleep_for(300ms);  // the attack is under way

  std::vector<double> latencies_ms;
  std::vector<double> health_ms;
  int good = 0;
  TlsClient ordinary;
  ASSERT_TRUE(ordinary.connect(served.port(), served.pki.path("ca.crt")));
  auto end = Clock::now() + 3s;
  for (int i = 0; Clock::now() < end; ++i) {
    std::string uid = fmt::format("ordinary-{}", i);
    auto start = Clock::now();
    ASSERT_TRUE(ordinary.send(TlsClient::request("POST", "/validate", small_review(uid))));
    auto answer = ordinary.read(10s);
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (answer && answer->status == 200 && answer->body.find(uid) != std::string::npos) ++good;
    if (i % 10 == 0) {
      auto h = Clock::now();
      EXPECT_EQ(plain_get(served.server->health_port(), "/healthz"), 200);
      health_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - h).count());
    }
    std::this_thread::sleep_for(20ms);
  }
  stop = true;
  for (auto& t : attackers) t.join();

  EXPECT_EQ(good, static_cast<int>(latencies_ms.size()));
  double p99 = percentile(latencies_ms, 0.99);
  EXPECT_LT(p99, 100.0) << "p50 " << percentile(latencies_ms, 0.5) << " ms over " << latencies_ms.size()
                        << " requests; hostile answered " << hostile_answered;
  EXPECT_LT(percentile(health_ms, 1.0), 500.0);
  EXPECT_GT(hostile_answered.load(), 0);  // the attack was real: its requests were read and decided
  std::printf("ordinary p50 %.2f ms p99 %.2f ms (%zu requests), health max %.2f ms, hostile answered %d\n",
              percentile(latencies_ms, 0.5), p99, latencies_ms.size(), percentile(health_ms, 1.0),
              hostile_answered.load());
}

// Clients that trickle their headers are cut off at the read timeout; the
// others are served meanwhile.
TEST(ServerAttack, SlowClientsAreCutOffWhileOthersAreServed) {
  ServerOptions options;
  options.read_timeout = 800ms;
  Served served(options);
  constexpr int kSlow = 40;
  std::vector<std::unique_ptr<TlsClient>> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(std::make_unique<TlsClient>());
    ASSERT_TRUE(slow.back()->connect(served.port(), served.pki.path("ca.crt")));
  }
  std::string request = TlsClient::request("POST", "/validate", small_review("slow"));
  auto start = Clock::now();
  for (size_t sent = 0; sent < 6; ++sent) {  // one byte each, every 100 ms
    for (auto& c : slow) c->send(request.substr(sent, 1));
    TlsClient ordinary;
    ASSERT_TRUE(ordinary.connect(served.port(), served.pki.path("ca.crt")));
    ASSERT_TRUE(ordinary.send(TlsClient::request("POST", "/validate", small_review("ok"))));
    auto answer = ordinary.read(2s);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 200);
    std::this_thread::sleep_for(100ms);
  }
  int closed = 0;
  for (auto& c : slow) closed += c->closed_by_peer(2s) ? 1 : 0;
  EXPECT_EQ(closed, kSlow);
  EXPECT_LT(Clock::now() - start, 4s);
}

// More large requests at once than the memory for requests in flight holds:
// those over it get 503 with Retry-After at once, the others their answer,
// and the server serves on.
TEST(ServerAttack, RequestsOverTheMemoryLimitGet503AndServingGoesOn) {
  ServerOptions options;
  options.memory_limit = 96 * 1024 * 1024;  // half for requests: one 3 MiB body reserves 48 MiB
  options.read_timeout = 1s;                // the one admitted never sends the rest of its body
  Served served(options);
  const Limits& limits = served.server->limits();
  // Half the memory, but never less than one largest request.
  EXPECT_EQ(limits.max_request_bytes, std::max<size_t>(48u * 1024 * 1024, request_cost(size_t{3} * 1024 * 1024)));
  // Eight clients announce a 3 MiB body and send only its first half.
  std::string body(size_t{3} * 1024 * 1024 - 100, ' ');
  std::string whole = TlsClient::request("POST", "/validate", body);
  std::vector<std::unique_ptr<TlsClient>> clients;
  int refused = 0;
  for (int i = 0; i < 8; ++i) {
    auto c = std::make_unique<TlsClient>();
    ASSERT_TRUE(c->connect(served.port(), served.pki.path("ca.crt")));
    c->send(whole.substr(0, whole.size() / 2));  // a refused one is answered as soon as its headers are read
    std::this_thread::sleep_for(20ms);
    clients.push_back(std::move(c));
  }
  std::vector<TlsClient*> admitted;
  for (auto& c : clients) {
    if (auto answer = c->read(300ms)) {
      EXPECT_EQ(answer->status, 503);
      EXPECT_TRUE(answer->header("Retry-After: 1")) << answer->headers;
      ++refused;
    } else {
      admitted.push_back(c.get());
    }
  }
  EXPECT_GE(refused, 7);  // one fits (each reserves 64 KiB + 16 bytes per body byte)
  // The one admitted holds the memory until the read timeout cuts it off.
  for (TlsClient* c : admitted) EXPECT_TRUE(c->closed_by_peer(5s));
  // Then ordinary requests fit again, and health answers.
  TlsClient ordinary;
  ASSERT_TRUE(ordinary.connect(served.port(), served.pki.path("ca.crt")));
  ASSERT_TRUE(ordinary.send(TlsClient::request("POST", "/validate", small_review("fits"))));
  auto answer = ordinary.read(5s);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(plain_get(served.server->health_port(), "/healthz"), 200);
  std::string metrics = served.handler->handle("GET", "/metrics", "").body;
  EXPECT_NE(metrics.find("kubeguard_http_refused_total{code=\"503\"}"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find(fmt::format("kubeguard_request_memory_limit_bytes {}", limits.max_request_bytes)),
            std::string::npos)
      << metrics;
}

// With a client CA, only callers with a certificate it signed are answered.
TEST(ServerAttack, ClientCertificatesAreRequiredWhenAClientCaIsSet) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  ASSERT_TRUE(pki.issue_client("apiserver", "kube-apiserver"));
  ASSERT_TRUE(pki.issue_client("intruder", "kube-apiserver", true));
  Handler handler(kg::testing::catalog(), engine::Config{}, admission::Settings{}, nullptr);
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.cert_file = pki.path("server.crt");
  options.key_file = pki.path("server.key");
  options.client_ca_file = pki.path("ca.crt");
  options.threads = 1;
  Server server(options, handler, nullptr);
  ASSERT_FALSE(server.start());
  std::thread runner([&] { server.run(); });
  auto ask = [&](const std::string& cert, const std::string& key) {
    TlsClient c;
    if (!c.connect(server.port(), pki.path("ca.crt"), 0, cert, key)) return 0;
    if (!c.send(TlsClient::request("POST", "/validate", small_review("who")))) return 0;
    auto answer = c.read(3s);
    return answer ? answer->status : 0;
  };
  EXPECT_EQ(ask(pki.path("apiserver.crt"), pki.path("apiserver.key")), 200);
  EXPECT_EQ(ask("", ""), 0);                                              // no certificate: the handshake fails
  EXPECT_EQ(ask(pki.path("intruder.crt"), pki.path("intruder.key")), 0);  // signed by another CA
  server.stop();
  runner.join();
}

}  // namespace
}  // namespace kg::server
