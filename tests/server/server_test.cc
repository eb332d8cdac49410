// The HTTPS server in process on 127.0.0.1, port 0, over real TLS: keep-alive,
// protocol floor, limits, malformed input, slow clients, certificate reload,
// concurrent clients, and the drain on stop.
#include "fronts/server/server.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "admission/review_support.h"
#include "server/tls_support.h"
#include "support/test_support.h"

namespace kg::server {
namespace {

using namespace std::chrono_literals;
using testing::TlsClient;

constexpr std::string_view kPrivilegedPod =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n"
    "  - name: web\n    image: nginx:1.27\n    securityContext: {privileged: true}\n";

std::string review(const std::string& uid) {
  testing::ReviewSpec spec;
  spec.uid = uid;
  spec.object_yaml = std::string(kPrivilegedPod);
  return testing::review_json(spec);
}

class ServerTls : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pki_.ok()) << "openssl could not make the test certificates";
    handler_ = std::make_unique<Handler>(kg::testing::catalog(), engine::Config{}, admission::Settings{}, nullptr);
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.cert_file = pki_.path("server.crt");
    options.key_file = pki_.path("server.key");
    options.threads = 2;
    options.read_timeout = read_timeout();
    options.idle_timeout = 5s;
    options.cert_check_interval = 0ms;
    server_ = std::make_unique<Server>(options, *handler_, nullptr);
    auto error = server_->start();
    ASSERT_FALSE(error) << *error;
    port_ = server_->port();
    ASSERT_NE(port_, 0);
    thread_ = std::thread([this] { server_->run(); });
  }

  // Short, so the tests of slow clients end soon.
  virtual std::chrono::milliseconds read_timeout() const { return 700ms; }

  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  std::unique_ptr<TlsClient> client() {
    auto c = std::make_unique<TlsClient>();
    EXPECT_TRUE(c->connect(port_, pki_.path("ca.crt")));
    return c;
  }

  bool healthy() {
    auto c = client();
    c->send(TlsClient::request("GET", "/healthz", ""));
    auto a = c->read();
    return a && a->status == 200;
  }

  testing::TestPki pki_;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  unsigned short port_ = 0;
};

TEST_F(ServerTls, KeepAliveServesManyReviewsOnOneConnection) {
  auto c = client();
  for (int i = 0; i < 5; ++i) {
    std::string uid = "uid-" + std::to_string(i);
    ASSERT_TRUE(c->send(TlsClient::request("POST", "/validate?timeout=10s", review(uid))));
    auto a = c->read();
    ASSERT_TRUE(a) << "no answer to request " << i;
    EXPECT_EQ(a->status, 200);
    EXPECT_NE(a->body.find("\"uid\":\"" + uid + "\""), std::string::npos) << a->body;
    EXPECT_NE(a->body.find("\"allowed\":false"), std::string::npos) << a->body;
    EXPECT_FALSE(a->header("Connection: close")) << a->headers;
  }
}

TEST_F(ServerTls, RefusesTls11) {
  TlsClient old;
  EXPECT_FALSE(old.connect(port_, pki_.path("ca.crt"), TLS1_1_VERSION));
  TlsClient current;
  EXPECT_TRUE(current.connect(port_, pki_.path("ca.crt"), TLS1_2_VERSION));
}

TEST_F(ServerTls, OversizeBodyGets413) {
  auto c = client();
  // The declared length alone is over the limit: refused before the body is read.
  ASSERT_TRUE(c->send("POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: 4194304\r\n\r\n{"));
  auto a = c->read();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 413);
  EXPECT_TRUE(c->closed_by_peer(2s));
  // Chunked, so no length is declared: refused once the body passes the limit.
  auto chunked = client();
  std::string chunk(1 << 20, ' ');
  std::string head = "POST /validate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  ASSERT_TRUE(chunked->send(head));
  for (int i = 0; i < 4; ++i) {
    if (!chunked->send("100000\r\n" + chunk + "\r\n")) break;
  }
  // The server stops reading at the limit; the answer may be lost to the
  // reset of a connection closed with unread bytes, so the count is checked.
  if (auto b = chunked->read(std::chrono::seconds(3))) EXPECT_EQ(b->status, 413);
  else EXPECT_TRUE(chunked->closed_by_peer(2s));
  auto m = client();
  m->send(TlsClient::request("GET", "/metrics", ""));
  auto metrics = m->read();
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("kubeguard_http_refused_total{code=\"413\"} 2"), std::string::npos) << metrics->body;
  EXPECT_TRUE(healthy());
}

TEST_F(ServerTls, MalformedRequestsGet400AndTheServerStaysUp) {
  auto c = client();
  ASSERT_TRUE(c->send(TlsClient::request("POST", "/validate", "{\"apiVersion\": [")));
  auto a = c->read();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 400);
  EXPECT_NE(a->body.find("malformed JSON"), std::string::npos) << a->body;
  ASSERT_TRUE(c->send(TlsClient::request("POST", "/validate", R"({"apiVersion":"v1","kind":"Pod"})")));
  a = c->read();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 400);
  EXPECT_NE(a->body.find("expected AdmissionReview"), std::string::npos) << a->body;
  ASSERT_TRUE(c->send(TlsClient::request(
      "POST", "/validate", R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}})")));
  a = c->read();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 400);
  EXPECT_NE(a->body.find("request.uid is missing"), std::string::npos) << a->body;
  // Not HTTP at all.
  auto garbage = client();
  ASSERT_TRUE(garbage->send("\x01\x02 nonsense \r\n\r\n"));
  auto g = garbage->read();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->status, 400);
  EXPECT_TRUE(healthy());
}

TEST_F(ServerTls, SlowClientIsCutOff) {
  auto c = client();
  ASSERT_TRUE(c->send("POST /validate HTTP/1.1\r\nHost: x\r\n"));  // headers never finish
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c->closed_by_peer(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  // A body that trickles in slower than the read timeout is cut off as well.
  auto slow = client();
  ASSERT_TRUE(slow->send("POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"));
  bool cut = false;
  for (int i = 0; i < 20 && !cut; ++i) {
    std::this_thread::sleep_for(100ms);
    cut = !slow->send(" ");
  }
  EXPECT_TRUE(cut || slow->closed_by_peer(3s));
  EXPECT_TRUE(healthy());
}

TEST_F(ServerTls, ReloadsTheCertificateForNewConnections) {
  auto before = client();
  EXPECT_EQ(before->peer_common_name(), "kubeguard-test-1");
  ASSERT_TRUE(pki_.issue("next", "kubeguard-test-2"));
  // The way a mounted Secret changes: new files renamed over the old ones.
  std::filesystem::rename(pki_.path("next.key"), pki_.path("server.key"));
  std::filesystem::rename(pki_.path("next.crt"), pki_.path("server.crt"));
  auto after = client();
  EXPECT_EQ(after->peer_common_name(), "kubeguard-test-2");
  // The connection made before keeps working.
  ASSERT_TRUE(before->send(TlsClient::request("GET", "/healthz", "")));
  auto a = before->read();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 200);
  // A broken pair is not loaded: the last good certificate stays.
  { std::ofstream(pki_.path("server.crt"), std::ios::trunc) << "not a certificate\n"; }
  auto still = client();
  EXPECT_EQ(still->peer_common_name(), "kubeguard-test-2");
}

TEST_F(ServerTls, ConcurrentClientsGetTheirOwnAnswers) {
  constexpr int kClients = 8;
  constexpr int kRequests = 25;
  std::atomic<int> good{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      TlsClient c;
      if (!c.connect(port_, pki_.path("ca.crt"))) return;
      for (int i = 0; i < kRequests; ++i) {
        std::string uid = fmt::format("c{}-r{}", t, i);
        if (!c.send(TlsClient::request("POST", "/validate", review(uid)))) return;
        auto a = c.read();
        if (a && a->status == 200 && a->body.find("\"uid\":\"" + uid + "\"") != std::string::npos) ++good;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(good.load(), kClients * kRequests);
  auto c = client();
  c->send(TlsClient::request("GET", "/metrics", ""));
  auto m = c->read();
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("verdict=\"denied\"} " + std::to_string(kClients * kRequests)), std::string::npos) << m->body;
}

// The drain test waits for the server to begin reading a half-sent request;
// on a loaded machine that can take longer than the short read timeout, which
// would then cut the request off before stop() is called.
class ServerTlsDrain : public ServerTls {
 protected:
  std::chrono::milliseconds read_timeout() const override { return 10s; }
};

TEST_F(ServerTlsDrain, StopAnswersTheRequestInFlightThenRefusesNewConnections) {
  // A kept-alive connection between requests: one answered, none begun.
  // (A new connection that has sent nothing yet gets the read timeout to
  // send its first request, as a client that connects means to send one.)
  auto idle = client();
  ASSERT_TRUE(idle->send(TlsClient::request("GET", "/healthz", "")));
  auto first = idle->read();
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);
  auto busy = client();
  std::string body = review("in-flight");
  std::string whole = TlsClient::request("POST", "/validate", body);
  size_t half = whole.size() - body.size() / 2;
  ASSERT_TRUE(busy->send(whole.substr(0, half)));
  std::this_thread::sleep_for(1s);  // the server has begun reading this request
  server_->stop();
  EXPECT_TRUE(idle->closed_by_peer(3s));  // nothing in flight there: closed at once
  ASSERT_TRUE(busy->send(whole.substr(half)));
  auto a = busy->read();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 200);
  EXPECT_NE(a->body.find("\"uid\":\"in-flight\""), std::string::npos);
  EXPECT_TRUE(a->header("Connection: close")) << a->headers;
  thread_.join();  // run() returns once the last connection is done
  TlsClient late;
  EXPECT_FALSE(late.connect(port_, pki_.path("ca.crt")));
}

TEST(ServerLimits, ConnectionsOverTheLimitAreClosed) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  Handler handler(kg::testing::catalog(), engine::Config{}, admission::Settings{}, nullptr);
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.cert_file = pki.path("server.crt");
  options.key_file = pki.path("server.key");
  options.threads = 1;
  options.max_connections = 2;
  Server server(options, handler, nullptr);
  ASSERT_FALSE(server.start());
  std::thread runner([&] { server.run(); });
  {
    TlsClient a, b, c;
    EXPECT_TRUE(a.connect(server.port(), pki.path("ca.crt")));
    EXPECT_TRUE(b.connect(server.port(), pki.path("ca.crt")));
    EXPECT_FALSE(c.connect(server.port(), pki.path("ca.crt")));
    a.close();
    // Once a slot is free again, a new client gets in.
    bool in = false;
    for (int i = 0; i < 50 && !in; ++i) {
      TlsClient d;
      in = d.connect(server.port(), pki.path("ca.crt"));
      if (!in) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(in);
  }
  server.stop();
  runner.join();
  EXPECT_NE(handler.metrics().render().find("kubeguard_http_refused_total{code=\"503\"}"), std::string::npos);
}

}  // namespace
}  // namespace kg::server
