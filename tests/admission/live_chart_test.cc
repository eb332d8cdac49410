// The Helm chart (charts/kubeguard) with the real helm (scripts/helm.sh builds
// it from helm.sh/helm/v3) and the real API server: lint (and the values
// schema refusing a wrong mode), template, the rendered objects scanned clean
// by kubeguard at restricted, every object applied to the test control plane,
// and the webhook the chart registers calling a local `kubeguard serve`,
// which denies a privileged pod. Skipped without helm or a control plane.
#include <unistd.h>

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "server/child_process.h"
#include "server/tls_support.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

using namespace std::chrono_literals;

std::string helm_binary() {
  std::string path;
  if (live_detail::run("bash " + source("scripts/helm.sh") + " path 2>/dev/null", &path) != 0) return {};
  while (!path.empty() && path.back() == '\n') path.pop_back();
  return path;
}

int sh(const std::string& command, std::string* out = nullptr) {
  return live_detail::run("{ " + command + "; } 2>&1", out);
}

TEST(LiveHelmChart, LintsRendersScansCleanAndItsWebhookCallsKubeguard) {
  std::string helm = helm_binary();
  if (helm.empty()) GTEST_SKIP() << "needs helm (scripts/helm.sh build)";
  std::string chart = source("charts/kubeguard");
  std::string out;
  EXPECT_EQ(sh(helm + " lint --strict " + chart, &out), 0) << out;
  EXPECT_NE(sh(helm + " lint " + chart + " --set mode=block", &out), 0) << "the values schema refuses it";
  EXPECT_NE(out.find("mode"), std::string::npos) << out;

  // Rendered as installed, scanned at restricted: nothing at or above high.
  std::string rendered = ::testing::TempDir() + "/kg-chart-" + std::to_string(getpid()) + ".yaml";
  ASSERT_EQ(sh(helm + " template kubeguard " + chart + " --namespace kubeguard > " + rendered), 0);
  EXPECT_EQ(sh(std::string(KG_BINARY) + " scan " + rendered + " --pss restricted", &out), 0) << out;
  // cert-manager renders a Certificate and injects the caBundle instead.
  ASSERT_EQ(
      sh(helm + " template kubeguard " + chart + " --namespace kubeguard --set certificates.source=cert-manager", &out),
      0)
      << out;
  EXPECT_NE(out.find("kind: Certificate"), std::string::npos) << out;
  EXPECT_NE(out.find("cert-manager.io/inject-ca-from: kubeguard/kubeguard"), std::string::npos) << out;
  EXPECT_EQ(out.find("kind: Secret"), std::string::npos) << out;

  std::string why;
  auto live = live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  TestPki pki;
  ASSERT_TRUE(pki.ok());
  Child serve({KG_BINARY, "serve", "--tls-cert", pki.path("server.crt"), "--tls-key", pki.path("server.key"),
               "--listen", "127.0.0.1:0", "--threads", "2", "--mode", "enforce"},
              pki.path("serve.log"));
  unsigned short port = serve.port(10s);
  ASSERT_NE(port, 0) << serve.log();
  std::string ca_bundle;
  ASSERT_EQ(live_detail::run("base64 -w0 " + pki.path("ca.crt"), &ca_bundle), 0);

  std::string release = "kg-chart-" + std::to_string(getpid());
  std::string target = release + "-apps";
  // The webhook goes first, whatever happens: it must not outlive the test.
  struct Cleanup {
    const LiveCluster& live;
    std::string release, target;
    ~Cleanup() {
      run_with_kubeconfig(live, "kubectl delete validatingwebhookconfiguration " + release +
                                    "-kubeguard --ignore-not-found >/dev/null 2>&1; kubectl delete namespace " +
                                    release + " " + target + " --wait=false >/dev/null 2>&1");
    }
  } cleanup{*live, release, target};
  ASSERT_EQ(
      run_with_kubeconfig(*live, "kubectl create namespace " + release + " >/dev/null && kubectl create namespace " +
                                     target + " >/dev/null && " + wait_for_default_service_account(target)),
      0);
  // Installed as `helm install` would, the webhook pointed at the local
  // kubeguard (the test control plane has no nodes to run the Deployment);
  // failurePolicy Ignore so a test that dies cannot lock the cluster.
  std::string install = helm + " template " + release + " " + chart + " --namespace " + release +
                        " --set webhook.url=https://127.0.0.1:" + std::to_string(port) +
                        "/validate --set webhook.caBundle=" + ca_bundle + " --set failurePolicy=Ignore";
  ASSERT_EQ(run_with_kubeconfig(*live, install + " | kubectl apply -f - 2>&1", &out), 0) << out;
  for (std::string kind : {"serviceaccount/", "configmap/", "deployment.apps/", "service/",
                           "poddisruptionbudget.policy/", "networkpolicy.networking.k8s.io/", "secret/",
                           "validatingwebhookconfiguration.admissionregistration.k8s.io/"}) {
    EXPECT_NE(out.find(kind + release + "-kubeguard"), std::string::npos) << kind << "\n" << out;
  }

  std::string pod =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: root}\nspec:\n  containers:\n"
      "  - {name: c, image: 'busybox:1.36', securityContext: {privileged: true}}\n";
  bool denied = false;
  for (int i = 0; i < 60 && !denied; ++i) {
    run_with_kubeconfig(
        *live, "printf '%s' '" + pod + "' | kubectl -n " + target + " create --dry-run=server -f - 2>&1", &out);
    denied = out.find("denied the request") != std::string::npos;
    if (!denied) std::this_thread::sleep_for(500ms);
  }
  EXPECT_TRUE(denied) << out << serve.log();
  EXPECT_NE(out.find("KG-POD-001"), std::string::npos) << out;
  // The chart's own namespace is exempt.
  EXPECT_EQ(
      run_with_kubeconfig(
          *live, "printf '%s' '" + pod + "' | kubectl -n " + release + " create --dry-run=server -f - 2>&1", &out),
      0)
      << out;
  std::filesystem::remove(rendered);
}

}  // namespace
}  // namespace kg::testing
