// Who may call, end to end: the real API server, started by
// scripts/controlplane.sh with an AdmissionConfiguration whose kubeConfigFile
// gives validating webhooks a client certificate, calls `kubeguard serve
// --client-ca` with the CA of that certificate and gets its verdict; a server
// that trusts another CA turns the API server away (failurePolicy: Fail:
// the request is refused), and so it does a caller without a certificate.
// Skipped when no control plane runs (see tests/cluster/live_cluster.h).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "admission/review_support.h"
#include "cluster/live_cluster.h"
#include "server/child_process.h"
#include "server/tls_support.h"
#include "support/test_support.h"

namespace kg::admission {
namespace {

using namespace std::chrono_literals;

std::string control_plane_dir() {
  std::string env;
  kg::testing::live_detail::run(
      kg::testing::live_detail::quote(std::string(KG_SOURCE_DIR) + "/scripts/controlplane.sh") + " env", &env);
  const std::string key = "export KUBEGUARD_CP_DIR=";
  size_t at = env.find(key);
  if (at == std::string::npos) return "";
  size_t end = env.find('\n', at);
  return env.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size());
}

std::string kubectl_path() {
  const char* home = std::getenv("HOME");
  std::string cached = std::string(home != nullptr ? home : "/root") + "/.cache/kubeguard/controlplane/v1.33.13/bin";
  return std::filesystem::exists(cached + "/kubectl") ? "export PATH=" + cached + ":\"$PATH\"; " : "";
}

std::string webhook_yaml(const std::string& name, const std::string& ns, unsigned short port,
                         const std::string& ca_bundle) {
  return "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: " +
         name +
         "\nwebhooks:\n- name: validate.kubeguard.io\n  admissionReviewVersions: [v1]\n  sideEffects: None\n"
         "  failurePolicy: Fail\n  timeoutSeconds: 5\n  clientConfig:\n    url: https://127.0.0.1:" +
         std::to_string(port) + "/validate\n    caBundle: " + ca_bundle +
         "\n  namespaceSelector:\n    matchLabels:\n      kubernetes.io/metadata.name: " + ns +
         "\n  rules:\n  - {apiGroups: [''], apiVersions: [v1], operations: [CREATE], resources: [pods], "
         "scope: Namespaced}\n";
}

TEST(LiveWebhook, ApiServerClientCertificateIsVerifiedAgainstTheClientCa) {
  std::string why;
  auto live = kg::testing::live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  std::string client_ca = control_plane_dir() + "/pki/webhook-client-ca.crt";
  ASSERT_TRUE(std::filesystem::exists(client_ca)) << client_ca << ": scripts/controlplane.sh makes it";

  kg::testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  auto serve = [&](const std::string& ca, const std::string& log) {
    return std::make_unique<kg::testing::Child>(
        std::vector<std::string>{KG_BINARY, "serve", "--tls-cert", pki.path("server.crt"), "--tls-key",
                                 pki.path("server.key"), "--listen", "127.0.0.1:0", "--threads", "1", "--client-ca",
                                 ca},
        pki.path(log));
  };
  auto trusting = serve(client_ca, "trusting.log");
  auto other = serve(pki.path("ca.crt"), "other.log");  // trusts the test CA, which did not sign the API server's
  unsigned short trusting_port = trusting->port(10s);
  unsigned short other_port = other->port(10s);
  ASSERT_NE(trusting_port, 0) << trusting->log();
  ASSERT_NE(other_port, 0) << other->log();

  // A caller without a certificate gets no answer at all.
  kg::testing::TlsClient anonymous;
  bool answered = anonymous.connect(trusting_port, pki.path("ca.crt")) &&
                  anonymous.send(kg::testing::TlsClient::request("GET", "/healthz", "")) && anonymous.read(3s);
  EXPECT_FALSE(answered);

  std::random_device random;
  std::string ns = "kg-client-auth-" + std::to_string(getpid()) + "-" + std::to_string(random() % 100000);
  std::string path = kubectl_path();
  auto sh = [&](const std::string& command, std::string* out = nullptr) {
    std::string text;
    int code = kg::testing::run_with_kubeconfig(*live, path + "{ " + command + "; } 2>&1", &text);
    if (out != nullptr) *out = std::move(text);
    return code;
  };
  struct Cleanup {
    std::function<int(const std::string&, std::string*)> sh;
    std::string ns;
    ~Cleanup() {
      sh("kubectl delete validatingwebhookconfiguration kg-test-" + ns + "-a kg-test-" + ns +
             "-b --ignore-not-found >/dev/null",
         nullptr);
      sh("kubectl delete namespace " + ns + " --wait=false >/dev/null", nullptr);
    }
  } cleanup{sh, ns};
  std::string out;
  ASSERT_EQ(sh("kubectl create namespace " + ns, &out), 0) << out;
  std::string bundle;
  kg::testing::live_detail::run("base64 -w0 " + kg::testing::live_detail::quote(pki.path("ca.crt")), &bundle);
  std::string pod_file = pki.path("pod.yaml");
  {
    std::ofstream(pod_file) << "apiVersion: v1\nkind: Pod\nmetadata: {name: root, namespace: " << ns
                            << "}\nspec:\n  containers:\n  - {name: c, image: nginx:1.27, securityContext: "
                               "{privileged: true}}\n";
  }
  std::string webhook_file = pki.path("webhook.yaml");
  auto register_webhook = [&](const std::string& name, unsigned short port) {
    std::ofstream(webhook_file) << webhook_yaml(name, ns, port, bundle);
    return sh("kubectl apply -f " + webhook_file, &out);
  };
  // The API server picks up webhook configurations asynchronously.
  auto answer_contains = [&](std::string_view expected) {
    for (int i = 0; i < 60; ++i) {
      sh("kubectl create --dry-run=server -f " + pod_file, &out);
      if (out.find(expected) != std::string::npos) return true;
      std::this_thread::sleep_for(500ms);
    }
    return false;
  };

  ASSERT_EQ(register_webhook("kg-test-" + ns + "-a", trusting_port), 0) << out;
  EXPECT_TRUE(answer_contains("KG-POD-001")) << out << "\n" << trusting->log();
  EXPECT_NE(out.find("denied the request"), std::string::npos) << out;
  EXPECT_NE(trusting->log().find("verdict=denied"), std::string::npos) << trusting->log();
  ASSERT_EQ(sh("kubectl delete validatingwebhookconfiguration kg-test-" + ns + "-a", &out), 0) << out;

  ASSERT_EQ(register_webhook("kg-test-" + ns + "-b", other_port), 0) << out;
  EXPECT_TRUE(answer_contains("failed calling webhook")) << out;
  EXPECT_EQ(other->log().find("verdict="), std::string::npos) << other->log();
}

}  // namespace
}  // namespace kg::admission
