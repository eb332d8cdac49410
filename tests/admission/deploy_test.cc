// deploy/ passes kubeguard's own scan at the restricted Pod Security Standard
// with no finding at all (suppressed ones included), and gen-certs.sh fills
// the webhook's caBundle with the CA that signed the serving certificate.
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "engine/scanner.h"
#include "pss/policy.h"
#include "support/test_support.h"

namespace kg::admission {
namespace {

TEST(AdmissionDeploy, ScanRestrictedReportsNoFinding) {
  std::string out;
  int code = testing::run_kubeguard("scan --pss restricted -f json " + testing::source("deploy"), &out);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("\"findings\": []"), std::string::npos) << out;
  EXPECT_NE(out.find("\"errors\": []"), std::string::npos) << out;

  // The same in process, counting objects so an empty folder cannot pass.
  engine::Config config;
  config.settings.pss = pss::parse_policy("restricted");
  engine::ScanResult result = engine::scan({{testing::source("deploy")}, 1}, testing::catalog(), config);
  EXPECT_TRUE(result.errors.empty());
  EXPECT_EQ(result.findings.size(), 0u) << result.findings.front().rule_id << " " << result.findings.front().path << " "
                                        << result.findings.front().message;
  EXPECT_EQ(result.summary.objects, 9u);
  std::string all;
  for (const auto& entry : std::filesystem::directory_iterator(testing::source("deploy"))) {
    if (entry.path().extension() == ".yaml") all += testing::read_file(entry.path().string());
  }
  for (std::string kind : {"Namespace", "ServiceAccount", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget",
                           "NetworkPolicy", "ValidatingWebhookConfiguration"}) {
    EXPECT_NE(all.find("\nkind: " + kind + "\n"), std::string::npos) << kind;
  }
}

TEST(AdmissionDeploy, GenCertsFillsTheCaBundle) {
  namespace fs = std::filesystem;
  std::string tmpl = (fs::temp_directory_path() / "kg-deploy-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  fs::path dir(tmpl);
  fs::copy(testing::source("deploy"), dir / "deploy", fs::copy_options::recursive);
  std::string command =
      "bash " + (dir / "deploy/gen-certs.sh").string() + " " + (dir / "out").string() + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::string webhook = testing::read_file((dir / "deploy/70-webhook.yaml").string());
  EXPECT_EQ(webhook.find("CA-BUNDLE-FILLED-BY"), std::string::npos);
  // The bundle decodes to the CA, and the serving certificate verifies against it for the service name.
  std::string check = "cd " + dir.string() +
                      " && grep -m1 '^    caBundle:' deploy/70-webhook.yaml | sed -E 's/.*\"(.*)\"/\\1/' | base64 -d"
                      " > bundle.pem && cmp -s bundle.pem out/ca.crt && openssl verify -CAfile bundle.pem"
                      " -verify_hostname kubeguard.kubeguard.svc out/tls.crt >/dev/null 2>&1";
  EXPECT_EQ(std::system(check.c_str()), 0);
  std::string secret = testing::read_file((dir / "out/kubeguard-tls.yaml").string());
  EXPECT_NE(secret.find("type: kubernetes.io/tls"), std::string::npos);
  // Still clean after the script ran.
  engine::Config config;
  config.settings.pss = pss::parse_policy("restricted");
  engine::ScanResult result = engine::scan({{(dir / "deploy").string()}, 1}, testing::catalog(), config);
  EXPECT_TRUE(result.findings.empty());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kg::admission
