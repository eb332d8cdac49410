// Known secrets pushed through every front (scan, diff, pss, audit, serve's
// /validate and /audit over real TLS, and its log) in every format (text,
// json, sarif, junit): none may appear in any output. Each front must also
// show that it quoted the place the secret was in ("<redacted>"), so the
// test cannot pass by a front saying nothing.
#include <signal.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "admission/review_support.h"
#include "hostile/hostile_test_util.h"
#include "hostile/secrets_fixture.h"
#include "server/child_process.h"
#include "server/tls_support.h"
#include "support/guarded_run.h"
#include "util/redact.h"

namespace kg {
namespace {

using namespace std::chrono_literals;
using testing::GuardedIo;
using testing::run_guarded;
using testing::ScratchDir;
using testing::slurp;
using namespace testing::secrets;

std::string joined(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) out += a + " ";
  return out;
}

TEST(Redactor, EveryKindOfSecretIsReplacedAndTheRestKept) {
  std::string out = util::redact(kCommand);
  for (const auto& s : kSecrets) EXPECT_EQ(out.find(s), std::string::npos) << s << " in: " << out;
  for (std::string_view kept : {"curl", "mysql", "psql", "aws s3 ls", "hooks.example.com", "admin:", "deploy:"}) {
    EXPECT_NE(out.find(kept), std::string::npos) << kept << " lost: " << out;
  }
  // Credentials before a host without a scheme (an image reference), not a digest.
  EXPECT_EQ(util::redact("image deploy:S3cret@registry.example.com/app:1"),
            "image deploy:<redacted>@registry.example.com/app:1");
  // Private keys, whole, even when the END line was cut off.
  EXPECT_EQ(util::redact(kPrivateKey).find(kKeyBody), std::string::npos);
  EXPECT_EQ(util::redact(std::string(kPrivateKey).substr(0, 80)).find("MIIEow"), std::string::npos);
  // Not secrets: booleans, references to secrets held elsewhere, names of files and objects, ports.
  for (std::string_view plain : {"automountServiceAccountToken: false", "--password-file=/etc/db/password",
                                 "PGPASSWORD=$(DB_PASSWORD)", "secretName: db-credentials", "ssh -p 2222 host",
                                 "nginx:1.25@sha256:0123456789abcdef", "tokenType: Bearer", "kubectl get secrets"}) {
    EXPECT_EQ(util::redact(plain), plain);
  }
  // Redacting twice changes nothing more.
  EXPECT_EQ(util::redact(out), out);
}

void expect_no_secret(const std::string& output, const std::string& where, bool must_redact) {
  for (const auto& s : kSecrets) EXPECT_EQ(output.find(s), std::string::npos) << where << " shows " << s;
  EXPECT_EQ(output.find(kKeyBody), std::string::npos) << where << " shows the private key";
  if (must_redact) {
    // As each format writes it: XML escapes the brackets.
    bool quoted =
        output.find("<redacted>") != std::string::npos || output.find("&lt;redacted&gt;") != std::string::npos;
    EXPECT_TRUE(quoted) << where << " quoted nothing:\n" << output;
  }
}

TEST(SecretsEverywhere, ScanDiffAndPssInEveryFormat) {
  ScratchDir dir;
  std::string webhook = dir.write("webhook.yaml", webhook_yaml());
  std::string base = dir.write("base.yaml", pod_yaml("serve"));
  std::string live = dir.write("live.yaml", pod_yaml(kCommand));
  std::string out = dir.path("out"), err = dir.path("err");
  for (std::string format : {"text", "json", "sarif", "junit"}) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"scan", "-f", format, webhook, live},
             {"diff", "-f", format, "--baseline", base, "--live", live},
         }) {
      auto run = run_guarded(args, GuardedIo{"/dev/null", out, err});
      ASSERT_FALSE(run.timed_out);
      EXPECT_TRUE(run.code == 0 || run.code == 1) << joined(args) << slurp(err);
      expect_no_secret(slurp(out), joined(args), true);
      expect_no_secret(slurp(err), joined(args) + "(stderr)", false);
    }
  }
  for (std::string format : {"text", "json"}) {
    std::vector<std::string> args = {"pss", "--level", "restricted", "-f", format, live, webhook};
    auto run = run_guarded(args, GuardedIo{"/dev/null", out, err});
    EXPECT_TRUE(run.code == 0 || run.code == 1) << joined(args) << slurp(err);
    expect_no_secret(slurp(out), joined(args), false);
    expect_no_secret(slurp(err), joined(args) + "(stderr)", false);
  }
}

TEST(SecretsEverywhere, AuditInEveryFormat) {
  ScratchDir dir;
  std::string log = dir.write("audit.log", audit_log());
  std::string out = dir.path("out"), err = dir.path("err");
  for (std::string format : {"text", "json", "sarif", "junit"}) {
    std::vector<std::string> args = {"audit", "-f", format, log};
    auto run = run_guarded(args, GuardedIo{"/dev/null", out, err});
    EXPECT_EQ(run.code, 1) << joined(args) << slurp(err);
    expect_no_secret(slurp(out), joined(args), true);
    expect_no_secret(slurp(err), joined(args) + "(stderr)", false);
  }
}

TEST(SecretsEverywhere, ServeValidateAndAuditOverTls) {
  testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  testing::Child serve({KG_BINARY, "serve", "--tls-cert", pki.path("server.crt"), "--tls-key", pki.path("server.key"),
                        "--listen", "127.0.0.1:0", "--threads", "2"},
                       pki.path("serve.log"));
  unsigned short port = serve.port(10s);
  ASSERT_NE(port, 0) << serve.log();
  std::string answers;
  auto post = [&](std::string_view path, const std::string& body) {
    testing::TlsClient client;
    ASSERT_TRUE(client.connect(port, pki.path("ca.crt")));
    ASSERT_TRUE(client.send(testing::TlsClient::request("POST", path, body)));
    auto reply = client.read();
    ASSERT_TRUE(reply) << serve.log();
    answers += reply->body + "\n";
  };
  // A webhook configuration whose URL carries credentials, a pod whose command carries every secret,
  // and an UPDATE that adds that command to a running pod.
  testing::ReviewSpec hook;
  hook.uid = "hook";
  hook.group = "admissionregistration.k8s.io";
  hook.kind = "ValidatingWebhookConfiguration";
  hook.resource = "validatingwebhookconfigurations";
  hook.name_space = "";
  hook.name = "policy";
  hook.object_yaml = webhook_yaml();
  post("/validate", testing::review_json(hook));
  testing::ReviewSpec pod;
  pod.uid = "pod";
  pod.object_yaml = pod_yaml(kCommand);
  post("/validate", testing::review_json(pod));
  testing::ReviewSpec update = pod;
  update.uid = "update";
  update.operation = "UPDATE";
  update.old_yaml = pod_yaml("serve");
  post("/validate", testing::review_json(update));
  // Hostile bodies whose errors could quote them.
  post("/validate", std::string("{\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"") + kCommand + "\"}}");
  post("/audit", audit_event_list());
  post("/audit", std::string("{\"kind\":\"Nope\",\"x\":\"") + kSecrets[0] + "\"}");

  ASSERT_EQ(kill(serve.pid(), SIGTERM), 0);
  EXPECT_EQ(serve.wait(10s), 0) << serve.log();
  expect_no_secret(answers, "serve responses", true);
  std::string log = serve.log();
  expect_no_secret(log, "serve log and alerts", true);
  EXPECT_NE(log.find("KG-AUD-007"), std::string::npos) << log;
}

}  // namespace
}  // namespace kg
