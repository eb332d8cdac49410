// deploy/ against the real API server, as a server-side dry run (nothing is
// stored, so the webhook configuration never intercepts anyone): every
// manifest is accepted once gen-certs.sh has filled the caBundle, and the
// placeholder bundle is refused. Namespaced objects go to a namespace of the
// test's own. Skipped when no control plane runs.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "support/test_support.h"

namespace kg::admission {
namespace {

TEST(LiveDeploy, ApiServerAcceptsTheManifestsAndRefusesThePlaceholderBundle) {
  std::string why;
  auto live = kg::testing::live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  namespace fs = std::filesystem;
  const char* home = std::getenv("HOME");
  std::string kubectl_dir =
      std::string(home != nullptr ? home : "/root") + "/.cache/kubeguard/controlplane/v1.33.13/bin";
  std::string path = fs::exists(kubectl_dir + "/kubectl") ? "export PATH=" + kubectl_dir + ":\"$PATH\"; " : "";

  std::string tmpl = (fs::temp_directory_path() / "kg-live-deploy-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  fs::path dir(tmpl);
  std::string ns = "kg-deploy-" + std::to_string(getpid());
  struct Cleanup {
    const kg::testing::LiveCluster& live;
    std::string path, ns;
    fs::path dir;
    ~Cleanup() {
      kg::testing::run_with_kubeconfig(live, path + "kubectl delete namespace " + ns + " --wait=false >/dev/null 2>&1");
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{*live, path, ns, dir};

  std::string out;
  std::string placeholder = "kubectl apply --dry-run=server -f " + kg::testing::source("deploy/70-webhook.yaml");
  EXPECT_NE(kg::testing::run_with_kubeconfig(*live, path + placeholder + " 2>&1", &out), 0);
  EXPECT_NE(out.find("illegal base64"), std::string::npos) << out;

  fs::copy(kg::testing::source("deploy"), dir / "deploy", fs::copy_options::recursive);
  std::string d = (dir / "deploy").string();
  std::string setup = "bash " + d + "/gen-certs.sh " + (dir / "out").string() + " " + ns +
                      " 10.0.0.0/24 >/dev/null && sed -i " + "'s/namespace: kubeguard$/namespace: " + ns + "/' " + d +
                      "/*.yaml && kubectl create namespace " + ns + " >/dev/null";
  ASSERT_EQ(kg::testing::run_with_kubeconfig(*live, path + setup + " 2>&1", &out), 0) << out;
  // The NetworkPolicy's placeholder is no address either: refused until set.
  std::string policy = "sed 's/namespace: kubeguard$/namespace: " + ns + "/' " +
                       kg::testing::source("deploy/60-networkpolicy.yaml") + " | kubectl apply --dry-run=server -f -";
  EXPECT_NE(kg::testing::run_with_kubeconfig(*live, path + policy + " 2>&1", &out), 0);
  EXPECT_NE(out.find("CONTROL-PLANE-CIDR"), std::string::npos) << out;
  int accepted = 0;
  for (std::string file :
       {"out/kubeguard-tls.yaml", "deploy/10-serviceaccount.yaml", "deploy/20-config.yaml", "deploy/30-deployment.yaml",
        "deploy/40-service.yaml", "deploy/50-pdb.yaml", "deploy/60-networkpolicy.yaml", "deploy/70-webhook.yaml"}) {
    std::string apply = "kubectl apply --dry-run=server -f " + (dir / file).string() + " 2>&1";
    int code = kg::testing::run_with_kubeconfig(*live, path + apply, &out);
    EXPECT_EQ(code, 0) << file << ": " << out;
    EXPECT_NE(out.find("(server dry run)"), std::string::npos) << file << ": " << out;
    accepted += code == 0 ? 1 : 0;
  }
  EXPECT_EQ(accepted, 8);
}

}  // namespace
}  // namespace kg::admission
