// End to end: `audit --verify-images` on the audit log the real API server
// writes, against the real test registry (TLS, basic auth) holding images
// signed by the real cosign (tests/supply/data). Pods are created with
// kubectl, one of them by a Deployment's controllers; the events that bring
// an unsigned image raise KG-IMG-005, one signed by another key KG-IMG-006,
// and the trusted image neither. Skipped unless KG_CLUSTER_E2E=1
// (tests/cluster/live_cluster.h); the e2e step fails on a skip.
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "doc/json_loader.h"
#include "engine/temp_tree.h"
#include "supply/registry_fixture.h"
#include "support/test_support.h"

namespace kg::supply {
namespace {

using kg::testing::live_detail::quote;

struct ImageAlert {
  std::string rule;
  std::string name;      // the object the event wrote
  std::string resource;  // pods, deployments
  std::string text;      // the whole line, for messages
};

std::string str(const doc::Node* n, std::string_view key) {
  const doc::Node* v = n == nullptr ? nullptr : n->get(key);
  return v == nullptr ? std::string() : std::string(v->str());
}

// The alerts on objects of namespace `ns` that are registry verdicts.
std::vector<ImageAlert> image_alerts(const std::string& json, const std::string& ns) {
  std::vector<ImageAlert> out;
  doc::parse_json_stream(
      json, "alerts",
      [&](doc::Document&& d) {
        std::string rule = str(&d.root, "rule");
        const doc::Node* ref = d.root.get("objectRef");
        // The verdicts of the registry (KG-IMG-005..009), not the rules that
        // read the reference's text (trusted registries, tags), which run anyway.
        bool registry_verdict = rule.size() == 10 && rule.starts_with("KG-IMG-00") && rule[9] >= '5' && rule[9] <= '9';
        if (!registry_verdict || str(ref, "namespace") != ns) return;
        out.push_back(ImageAlert{rule, str(ref, "name"), str(ref, "resource"), str(&d.root, "message")});
      },
      [](doc::LoadError&&) {});
  return out;
}

std::string utc_now_rfc3339() {
  std::time_t now = std::time(nullptr) - 2;  // the API server's clock is this machine's; a margin for rounding
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

TEST(LiveSupplyAudit, E2EEventsThatBringUnsignedOrUntrustedImagesAreReported) {
  std::string why;
  auto live = kg::testing::live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  const std::string log = kg::testing::controlplane_audit_log();
  ASSERT_FALSE(log.empty()) << "scripts/controlplane.sh env printed no KUBEGUARD_AUDIT_LOG";

  kg::testing::TestRegistry reg;
  ASSERT_EQ(reg.error(), "");
  ASSERT_EQ(reg.push_repositories({"kg/signed", "kg/unsigned", "kg/wrongkey"}), "");

  const std::string since = utc_now_rfc3339();
  const kg::testing::LiveNamespace space(*live, "kg-supply-audit");
  ASSERT_EQ(space.create(), "");
  const std::string& ns = space.name();
  std::string out;
  auto create_pod = [&](const std::string& name, const std::string& image) {
    std::string pod = fmt::format(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {}, namespace: {}}}\nspec:\n  containers:\n"
        "  - name: app\n    image: {}/{}\n",
        name, ns, reg.address(), image);
    return kg::testing::run_with_kubeconfig(*live, "printf '%s' " + quote(pod) + " | kubectl create -f - 2>&1", &out);
  };
  ASSERT_EQ(create_pod("signed", "kg/signed:v1"), 0) << out;
  ASSERT_EQ(create_pod("unsigned", "kg/unsigned:v1"), 0) << out;
  ASSERT_EQ(create_pod("wrongkey", "kg/wrongkey:v1"), 0) << out;
  // A Deployment whose template names the unsigned image: its create event is
  // judged, and so is the pod its ReplicaSet creates (once per template).
  ASSERT_EQ(
      kg::testing::run_with_kubeconfig(*live,
                                       fmt::format("kubectl -n {} create deployment web --image={}/kg/unsigned:v1 "
                                                   "2>&1",
                                                   ns, reg.address()),
                                       &out),
      0)
      << out;
  // The controller manager creates the ReplicaSet, then its pod.
  bool pod_seen = false;
  for (int i = 0; i < 100 && !pod_seen; ++i) {
    std::string pods;
    kg::testing::run_with_kubeconfig(*live, "kubectl -n " + ns + " get pods -l app=web -o name 2>/dev/null", &pods);
    pod_seen = pods.find("pod/web-") != std::string::npos;
    if (!pod_seen) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(pod_seen) << "the Deployment's pod never appeared";
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the log backend writes synchronously; a margin

  kg::testing::TempTree tree;
  std::string config = tree.write(
      "kubeguard.yaml",
      fmt::format("imagePolicies:\n  - images: [\"{}/kg/*\"]\n    keys: [{}]\nregistryAuth:\n  dockerConfig: {}\n"
                  "  caFile: {}\n",
                  reg.address(), kg::testing::TestRegistry::data("keys/cosign.pub"), reg.docker_config(),
                  reg.ca_file()));
  std::string json;
  std::string err = tree.path("audit.err");
  int code = kg::testing::run_kubeguard("audit -q -f json --verify-images --config " + quote(config) + " --since " +
                                            since + " " + quote(log) + " 2>" + quote(err),
                                        &json);
  EXPECT_EQ(code, 1) << "KG-IMG-005 is high: " << kg::testing::read_file(err);
  std::vector<ImageAlert> alerts = image_alerts(json, ns);
  std::string listing;
  for (const auto& a : alerts) listing += a.rule + " " + a.resource + "/" + a.name + " " + a.text + "\n";

  auto count = [&](std::string_view rule, std::string_view resource, std::string_view name_prefix) {
    int n = 0;
    for (const auto& a : alerts) n += a.rule == rule && a.resource == resource && a.name.starts_with(name_prefix);
    return n;
  };
  EXPECT_EQ(count("KG-IMG-005", "pods", "unsigned"), 1) << listing;
  EXPECT_EQ(count("KG-IMG-006", "pods", "wrongkey"), 1) << listing;
  EXPECT_GE(count("KG-IMG-005", "deployments", "web"), 1) << listing;
  // The controller's pod (its name may be absent from the event: generateName),
  // judged once for its template: the unsigned pod and it.
  EXPECT_EQ(count("KG-IMG-005", "pods", ""), 2) << listing;
  for (const auto& a : alerts) {
    EXPECT_FALSE(a.resource == "pods" && a.name == "signed") << "the trusted image raised " << a.rule << ": " << a.text;
    EXPECT_NE(a.rule, "KG-IMG-008") << "the registry was reachable: " << a.text;
  }
  EXPECT_EQ(json.find(reg.password()), std::string::npos);
  EXPECT_EQ(kg::testing::read_file(err).find(reg.password()), std::string::npos);

  // Without --verify-images the same events raise no image verdict: the
  // network is used only when asked.
  std::string plain;
  kg::testing::run_kubeguard(
      "audit -q -f json --config " + quote(config) + " --since " + since + " " + quote(log) + " 2>/dev/null", &plain);
  EXPECT_TRUE(image_alerts(plain, ns).empty()) << plain;
}

}  // namespace
}  // namespace kg::supply
