// deploy/ passes kubeguard's own scan at the restricted Pod Security Standard
// with no finding at all (suppressed ones included), and gen-certs.sh fills
// the webhook's caBundle with the CA that signed the serving certificate.
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "engine/scanner.h"
#include "pss/policy.h"
#include "support/test_support.h"

namespace kg::admission {
namespace {

// The webhook's manifests: deploy/*.yaml. deploy/node/ holds the node agent,
// the documented privileged exception (tests/node/node_deploy_test.cc).
std::vector<std::string> webhook_manifests() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(testing::source("deploy"))) {
    if (entry.path().extension() == ".yaml") out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(AdmissionDeploy, ScanRestrictedReportsNoFinding) {
  std::string out;
  int code = testing::run_kubeguard("scan --pss restricted -f json " + testing::source("deploy") + "/*.yaml", &out);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("\"findings\": []"), std::string::npos) << out;
  EXPECT_NE(out.find("\"errors\": []"), std::string::npos) << out;

  // The same in process, counting objects so an empty folder cannot pass.
  engine::Config config;
  config.settings.pss = pss::parse_policy("restricted");
  engine::ScanResult result = engine::scan({webhook_manifests(), 1}, testing::catalog(), config);
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

// Who may call: the webhook port is open only to a CIDR (the API server's
// source), never to every source; the metrics port only to the monitoring
// namespace; nobody is exempt from examination by default.
TEST(AdmissionDeploy, WebhookPortIsOpenOnlyToTheControlPlaneAndNoUserIsExempt) {
  std::string policy = testing::read_file(testing::source("deploy/60-networkpolicy.yaml"));
  EXPECT_NE(policy.find("        cidr: CONTROL-PLANE-CIDR\n"), std::string::npos) << policy;
  EXPECT_EQ(policy.find("0.0.0.0/0"), std::string::npos);
  size_t ingress = policy.find("  ingress:\n");
  ASSERT_NE(ingress, std::string::npos);
  // Every ingress rule names its sources.
  size_t rules = 0;
  for (size_t at = policy.find("  - ", ingress); at != std::string::npos; at = policy.find("\n  - ", at + 1)) {
    ++rules;
    EXPECT_EQ(policy.compare(at + (policy[at] == '\n' ? 1 : 0), 11, "  - from:\n "), 0) << policy.substr(at, 40);
  }
  EXPECT_EQ(rules, 2u);
  std::string config = testing::read_file(testing::source("deploy/20-config.yaml"));
  EXPECT_NE(config.find("exemptUsers: []"), std::string::npos) << config;
  EXPECT_EQ(config.find("serviceaccount:kubeguard"), std::string::npos) << config;
}

TEST(AdmissionDeploy, GenCertsFillsTheCaBundle) {
  namespace fs = std::filesystem;
  std::string tmpl = (fs::temp_directory_path() / "kg-deploy-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  fs::path dir(tmpl);
  fs::copy(testing::source("deploy"), dir / "deploy", fs::copy_options::recursive);
  fs::remove_all(dir / "deploy/node");  // the node agent: not the webhook's
  std::string command = "bash " + (dir / "deploy/gen-certs.sh").string() + " " + (dir / "out").string() +
                        " kubeguard 10.1.0.0/24 >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::string policy = testing::read_file((dir / "deploy/60-networkpolicy.yaml").string());
  EXPECT_NE(policy.find("        cidr: 10.1.0.0/24\n"), std::string::npos) << policy;
  std::string bad = "bash " + (dir / "deploy/gen-certs.sh").string() + " " + (dir / "out").string() +
                    " kubeguard 'nowhere; rm -rf /' >/dev/null 2>&1";
  EXPECT_NE(std::system(bad.c_str()), 0);
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
