// End to end: the real API server asks the real `kubeguard serve
// --verify-images` about pods whose images are in the real test registry
// (TLS, basic auth) and signed by the real cosign (tests/supply/data). A pod
// with an unsigned image is denied and kubectl's message names KG-IMG-005;
// a pod signed by another key is denied with KG-IMG-006; a pod whose image
// is signed by the trusted key is admitted; `cluster scan --verify-images`
// reports an unsigned pod that got in while the webhook was away. Skipped when no control plane
// runs (tests/cluster/live_cluster.h); the e2e step fails on a skip.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "server/child_process.h"
#include "server/tls_support.h"
#include "supply/registry_fixture.h"
#include "support/test_support.h"

namespace kg::supply {
namespace {

using namespace std::chrono_literals;
using kg::testing::live_detail::quote;

std::string kubectl_path() {
  const char* home = std::getenv("HOME");
  std::string cached = std::string(home != nullptr ? home : "/root") + "/.cache/kubeguard/controlplane/v1.33.13/bin";
  return std::filesystem::exists(cached + "/kubectl") ? "export PATH=" + quote(cached) + ":\"$PATH\"; " : "";
}

// A pod that no other rule denies at the high threshold: only its image decides.
std::string pod_yaml(std::string_view name, std::string_view image) {
  return fmt::format(
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {}\nspec:\n  automountServiceAccountToken: false\n"
      "  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n    seccompProfile: {{type: RuntimeDefault}}\n"
      "  containers:\n  - name: app\n    image: {}\n    securityContext:\n      allowPrivilegeEscalation: false\n"
      "      readOnlyRootFilesystem: true\n      capabilities: {{drop: [ALL]}}\n    resources:\n"
      "      requests: {{cpu: 10m, memory: 16Mi}}\n      limits: {{cpu: 100m, memory: 64Mi}}\n",
      name, image);
}

TEST(LiveSupplyWebhook, E2EUnsignedAndWrongKeyDeniedSignedAdmitted) {
  std::string why;
  auto live = kg::testing::live_cluster(&why);
  if (!live) GTEST_SKIP() << why;

  kg::testing::TestRegistry reg;
  ASSERT_EQ(reg.error(), "");
  ASSERT_EQ(reg.push_repositories({"kg/signed", "kg/unsigned", "kg/wrongkey"}), "");
  auto digests = kg::testing::TestRegistry::digests();

  kg::testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  std::string config = pki.path("kubeguard.yaml");
  {
    std::ofstream(config) << fmt::format(
        "failOn: high\nimagePolicies:\n  - images: [\"{}/kg/*\"]\n    keys: [{}]\n"
        "registryAuth:\n  dockerConfig: {}\n  caFile: {}\n",
        reg.address(), kg::testing::TestRegistry::data("keys/cosign.pub"), reg.docker_config(), reg.ca_file());
  }
  kg::testing::Child serve({KG_BINARY, "serve", "--tls-cert", pki.path("server.crt"), "--tls-key",
                            pki.path("server.key"), "--listen", "127.0.0.1:0", "--threads", "2", "--mode", "enforce",
                            "--config", config, "--verify-images", "--image-budget-ms", "2000"},
                           pki.path("serve.log"));
  unsigned short port = serve.port(10s);
  ASSERT_NE(port, 0) << serve.log();

  std::random_device random;
  std::string ns = "kg-supply-" + std::to_string(getpid()) + "-" + std::to_string(random() % 100000);
  std::string webhook = "kg-test-" + ns;
  std::string path = kubectl_path();
  auto sh = [&](const std::string& command, std::string* out = nullptr) {
    std::string text;
    int code = kg::testing::run_with_kubeconfig(*live, path + "{ " + command + "; } 2>&1", &text);
    if (out != nullptr) *out = std::move(text);
    return code;
  };
  auto kubectl_stdin = [&](const std::string& args, const std::string& yaml, std::string* out) {
    return sh("printf '%s' " + quote(yaml) + " | kubectl -n " + ns + " " + args, out);
  };
  struct Cleanup {
    std::function<int(const std::string&, std::string*)> sh;
    std::string webhook, ns;
    ~Cleanup() {
      sh("kubectl delete validatingwebhookconfiguration " + webhook + " --ignore-not-found >/dev/null", nullptr);
      sh("kubectl delete namespace " + ns + " --wait=false >/dev/null", nullptr);
    }
  } cleanup{sh, webhook, ns};

  std::string out;
  ASSERT_EQ(sh("kubectl create namespace " + ns + " && " + kg::testing::wait_for_default_service_account(ns), &out), 0)
      << out;
  std::string ca_bundle;
  kg::testing::live_detail::run("base64 -w0 " + quote(pki.path("ca.crt")), &ca_bundle);
  std::string hook = fmt::format(
      "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: {}\n"
      "webhooks:\n- name: validate.kubeguard.io\n  admissionReviewVersions: [v1]\n  sideEffects: None\n"
      "  failurePolicy: Fail\n  timeoutSeconds: 10\n  clientConfig:\n    url: https://127.0.0.1:{}/validate\n"
      "    caBundle: {}\n  namespaceSelector:\n    matchLabels:\n      kubernetes.io/metadata.name: {}\n  rules:\n"
      "  - {{apiGroups: [''], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods], scope: "
      "Namespaced}}\n",
      webhook, port, ca_bundle, ns);
  ASSERT_EQ(kubectl_stdin("apply -f -", hook, &out), 0) << out;

  std::string unsigned_pod = pod_yaml("unsigned", reg.address() + "/kg/unsigned@" + digests["unsigned"]);
  bool active = false;
  for (int i = 0; i < 60 && !active; ++i) {
    kubectl_stdin("create --dry-run=server -f -", unsigned_pod, &out);
    active = out.find("denied the request") != std::string::npos;
    if (!active) std::this_thread::sleep_for(500ms);
  }
  ASSERT_TRUE(active) << out << serve.log();

  EXPECT_NE(kubectl_stdin("create -f -", unsigned_pod, &out), 0);
  EXPECT_NE(out.find("KG-IMG-005"), std::string::npos) << out;
  EXPECT_NE(out.find("no cosign signature"), std::string::npos) << out;

  EXPECT_NE(kubectl_stdin("create -f -", pod_yaml("wrongkey", reg.address() + "/kg/wrongkey:v1"), &out), 0);
  EXPECT_NE(out.find("KG-IMG-006"), std::string::npos) << out;

  EXPECT_EQ(kubectl_stdin("create -f -", pod_yaml("signed", reg.address() + "/kg/signed@" + digests["signed"]), &out),
            0)
      << out << serve.log();
  EXPECT_EQ(out.find(reg.password()), std::string::npos);
  EXPECT_EQ(serve.log().find(reg.password()), std::string::npos);

  // cluster scan --verify-images over what the API server holds: with the
  // webhook gone, an unsigned pod gets in and is reported; the signed one is not.
  ASSERT_EQ(sh("kubectl delete validatingwebhookconfiguration " + webhook, &out), 0) << out;
  ASSERT_EQ(kubectl_stdin("create -f -", unsigned_pod, &out), 0) << out;
  sh(fmt::format("{} cluster scan -n {} --verify-images --config {} -f json", KG_BINARY, ns, config), &out);
  EXPECT_NE(out.find(R"("rule": "KG-IMG-005")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("name": "unsigned")"), std::string::npos) << out;
  EXPECT_EQ(out.find("image " + reg.address() + "/kg/signed@"), std::string::npos) << out;
}

}  // namespace
}  // namespace kg::supply
