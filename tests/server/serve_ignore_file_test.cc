// The ignore file (.kubeguardignore.yaml) and `failOn: none` through the real
// `kubeguard serve`: an object gets the verdict `kubeguard scan` gives it with
// the same files.
#include <signal.h>

#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "admission/review_support.h"
#include "server/child_process.h"
#include "server/tls_support.h"
#include "support/test_support.h"

namespace kg::server {
namespace {

using namespace std::chrono_literals;
using testing::Child;
using testing::TlsClient;

std::string pod(std::string_view ns) {
  return fmt::format(
      "apiVersion: v1\nkind: Pod\nmetadata: {{name: agent, namespace: {}}}\nspec:\n  containers:\n"
      "  - {{name: agent, image: agent:1, securityContext: {{privileged: true}}}}\n",
      ns);
}

void write(const std::string& path, std::string_view text) { std::ofstream(path, std::ios::binary) << text; }

constexpr std::string_view kIgnore = R"(- rule: privileged-container
  object: "Pod monitoring/*"
  reason: "the node agent needs the host; reviewed"
  expires: 2999-12-31
- rule: KG-POD-001
  object: "Pod shop/*"
  reason: "accepted once, no longer"
  expires: 2001-01-01
)";

// "allowed" of the answer to a CREATE of `object`.
std::optional<bool> allowed(unsigned short port, const std::string& ca, const std::string& object) {
  testing::ReviewSpec spec;
  spec.object_yaml = object;
  TlsClient client;
  if (!client.connect(port, ca)) return std::nullopt;
  if (!client.send(TlsClient::request("POST", "/validate", testing::review_json(spec)))) return std::nullopt;
  auto reply = client.read();
  if (!reply || reply->status != 200) return std::nullopt;
  if (reply->body.find("\"allowed\":true") != std::string::npos) return true;
  if (reply->body.find("\"allowed\":false") != std::string::npos) return false;
  return std::nullopt;
}

std::vector<std::string> serve(const testing::TestPki& pki, std::vector<std::string> extra) {
  std::vector<std::string> args{
      KG_BINARY,     "serve",     "--tls-cert", pki.path("server.crt"), "--tls-key", pki.path("server.key"), "--listen",
      "127.0.0.1:0", "--threads", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(ServeIgnoreFile, TheWebhookAcceptsWhatTheScanAccepts) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  const std::string config = pki.path(".kubeguard.yaml");
  write(config, "failOn: critical\n");
  write(pki.path(".kubeguardignore.yaml"), kIgnore);
  write(pki.path("monitoring.yaml"), pod("monitoring"));
  write(pki.path("shop.yaml"), pod("shop"));

  // The scan's verdicts with these files: accepted in monitoring, not in shop
  // (that entry expired).
  std::string out;
  EXPECT_EQ(testing::run_kubeguard("scan " + pki.path("monitoring.yaml") + " --config " + config + " -q", &out), 0)
      << out;
  EXPECT_EQ(testing::run_kubeguard("scan " + pki.path("shop.yaml") + " --config " + config + " -q", &out), 1) << out;

  // The webhook finds the ignore file beside --config and gives the same verdicts.
  Child with(serve(pki, {"--config", config}), pki.path("serve.log"));
  unsigned short port = with.port(10s);
  ASSERT_NE(port, 0) << with.log();
  EXPECT_EQ(allowed(port, pki.path("ca.crt"), pod("monitoring")), std::optional<bool>(true)) << with.log();
  EXPECT_EQ(allowed(port, pki.path("ca.crt"), pod("shop")), std::optional<bool>(false)) << with.log();
  ASSERT_EQ(kill(with.pid(), SIGTERM), 0);
  EXPECT_EQ(with.wait(10s), 0) << with.log();
  EXPECT_NE(with.log().find("the acceptance of KG-POD-001 expired on 2001-01-01"), std::string::npos) << with.log();

  // Without a configuration there is no ignore file: both are denied.
  Child without(serve(pki, {}), pki.path("serve-plain.log"));
  port = without.port(10s);
  ASSERT_NE(port, 0) << without.log();
  EXPECT_EQ(allowed(port, pki.path("ca.crt"), pod("monitoring")), std::optional<bool>(false)) << without.log();
}

TEST(ServeIgnoreFile, NamedExplicitlyAndRefusedWhenInvalid) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  const std::string ignore = pki.path("accepted.yaml");
  write(ignore, kIgnore);
  write(pki.path("critical.yaml"), "failOn: critical\n");
  Child named(serve(pki, {"--config", pki.path("critical.yaml"), "--ignore-file", ignore}), pki.path("serve.log"));
  unsigned short port = named.port(10s);
  ASSERT_NE(port, 0) << named.log();
  EXPECT_EQ(allowed(port, pki.path("ca.crt"), pod("monitoring")), std::optional<bool>(true)) << named.log();
  EXPECT_EQ(allowed(port, pki.path("ca.crt"), pod("shop")), std::optional<bool>(false)) << named.log();

  // An entry without a reason is an error naming its line; serve does not start.
  write(pki.path("bad.yaml"), "- rule: KG-POD-001\n");
  std::string tls = " --tls-cert " + pki.path("server.crt") + " --tls-key " + pki.path("server.key");
  std::string out;
  EXPECT_EQ(testing::run_kubeguard(
                "serve --listen 127.0.0.1:0" + tls + " --ignore-file " + pki.path("bad.yaml") + " 2>&1", &out),
            2);
  EXPECT_NE(out.find("bad.yaml:1:3: reason is required"), std::string::npos) << out;
}

TEST(ServeIgnoreFile, FailOnNoneInTheConfigurationAdmitsAndScansExitZero) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  const std::string config = pki.path("none.yaml");
  write(config, "failOn: None\n");
  write(pki.path("shop.yaml"), pod("shop"));
  std::string out;
  EXPECT_EQ(testing::run_kubeguard("scan " + pki.path("shop.yaml") + " --config " + config + " -f json", &out), 0)
      << out;
  EXPECT_NE(out.find("\"failOn\": \"none\""), std::string::npos) << out;
  // The command line's threshold wins over the file's none.
  EXPECT_EQ(testing::run_kubeguard("scan " + pki.path("shop.yaml") + " --config " + config + " --fail-on high -q"), 1);
  // Errors still fail the run.
  write(pki.path("broken.yaml"), "kind: [\n");
  EXPECT_EQ(testing::run_kubeguard("scan " + pki.path("broken.yaml") + " --config " + config + " -q 2>/dev/null"), 2);

  Child none(serve(pki, {"--config", config}), pki.path("serve.log"));
  unsigned short port = none.port(10s);
  ASSERT_NE(port, 0) << none.log();
  EXPECT_EQ(allowed(port, pki.path("ca.crt"), pod("shop")), std::optional<bool>(true)) << none.log();
  EXPECT_NE(none.log().find("threshold none"), std::string::npos) << none.log();
}

}  // namespace
}  // namespace kg::server
