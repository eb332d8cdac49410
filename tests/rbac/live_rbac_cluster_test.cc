// `kubeguard rbac --cluster` and `kubeguard cluster scan` against the real
// API server: a planted weak service account in a namespace of this run only
// (skipped without a control plane, see live_cluster.h).
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cluster/api_client.h"
#include "cluster/kubeconfig.h"
#include "cluster/live_cluster.h"
#include "support/test_support.h"

namespace kg {
namespace {

TEST(LiveRbacCluster, PlantedWeakServiceAccountIsAnAttackPath) {
  std::string why;
  auto live = kg::testing::live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  auto config = cluster::parse_kubeconfig(cluster::read_whole_file(live->kubeconfig).value(), live->kubeconfig, "");
  ASSERT_TRUE(config) << config.error().message;
  auto client = cluster::ApiClient::connect(*config);
  ASSERT_TRUE(client) << client.error().message;

  std::string ns = fmt::format("kgweak{}", getpid());
  struct Cleanup {
    cluster::ApiClient& client;
    std::string ns;
    ~Cleanup() { (void)client.remove("/api/v1/namespaces/" + ns); }
  } cleanup{*client, ns};
  auto post = [&](std::string_view path, const std::string& body) {
    auto made = client->create(path, body);
    ASSERT_TRUE(made) << path << ": " << made.error().message;
  };
  post("/api/v1/namespaces", fmt::format(R"({{"apiVersion":"v1","kind":"Namespace","metadata":{{"name":"{}"}}}})", ns));
  std::string base = "/api/v1/namespaces/" + ns;
  std::string rbac = "/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns;
  post(base + "/serviceaccounts",
       R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"report-builder"}})");
  post(rbac + "/roles", R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"tweaker"},
      "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get","patch"]}]})");
  post(rbac + "/rolebindings",
       R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"tweaks"},
      "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"tweaker"},
      "subjects":[{"kind":"ServiceAccount","name":"report-builder"}]})");
  // Pods stay Pending (no scheduler): they exist, with their service account.
  post(base + "/pods", R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"reporting"},
      "spec":{"serviceAccountName":"report-builder","containers":[{"name":"report","image":"busybox:1.36"}]}})");
  post(base + "/pods", R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"quiet"},
      "spec":{"serviceAccountName":"report-builder","automountServiceAccountToken":false,
              "containers":[{"name":"web","image":"busybox:1.36"}]}})");

  std::string env = "KUBECONFIG=" + kg::testing::live_detail::quote(live->kubeconfig) + " ";
  std::string out;
  int code = kg::testing::live_detail::run(env + KG_BINARY + std::string(" rbac --cluster -n ") + ns, &out);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find(fmt::format("compromise of Pod {}/reporting (token of ServiceAccount {}/report-builder mounted) "
                                 "lets an attacker inject into 2 workload(s)",
                                 ns, ns)),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find(fmt::format("compromise of Pod {}/quiet", ns)), std::string::npos) << out;
  EXPECT_NE(out.find("KG-RBAC-002"), std::string::npos) << out;

  code = kg::testing::live_detail::run(
      env + KG_BINARY + std::string(" rbac who-can patch pods --cluster -n ") + ns + " -f json", &out);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("\"name\": \"report-builder\""), std::string::npos) << out;

  // cluster scan runs the same inventory rules.
  code = kg::testing::live_detail::run(env + KG_BINARY + std::string(" cluster scan -f json -n ") + ns, &out);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("KG-RBAC-017"), std::string::npos) << out;
  EXPECT_NE(out.find("KG-RBAC-002"), std::string::npos) << out;
}

}  // namespace
}  // namespace kg
