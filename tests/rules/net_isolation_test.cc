#include <map>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace kg {
namespace {

using testing::findings_of;

constexpr std::string_view kRule = "KG-NET-001";

constexpr std::string_view kWorkloads = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: web, tier: front}
    spec:
      containers:
      - name: web
        image: web:1
---
apiVersion: v1
kind: Pod
metadata:
  name: loose
spec:
  containers:
  - name: app
    image: app:1
)";

TEST(WorkloadNotIsolated, FlagsWorkloadsNoPolicyOfTheirNamespaceSelects) {
  std::string input = std::string(kWorkloads) + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-only
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: api}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-elsewhere
  namespace: other
spec:
  podSelector:
    matchLabels: {app: web}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: all-in-default
  namespace: default
spec:
  podSelector: {}
)";
  auto f = findings_of(kRule, input);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].object.kind, "Deployment");
  EXPECT_EQ(f[0].object.name, "web");
  EXPECT_EQ(f[0].mark.line, 1u);
  EXPECT_NE(f[0].message.find("no NetworkPolicy of namespace 'shop' (1 in all) selects its pods"), std::string::npos)
      << f[0].message;
  EXPECT_EQ(f[1].object.name, "loose");
  EXPECT_NE(f[1].message.find("the unspecified namespace (manifests without metadata.namespace) has no NetworkPolicy"),
            std::string::npos);
  EXPECT_EQ(f[1].severity, rules::Severity::Medium);
}

TEST(WorkloadNotIsolated, QuietWhenAPolicySelectsThePods) {
  std::string input = std::string(kWorkloads) + R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: front
  namespace: shop
spec:
  podSelector:
    matchExpressions:
    - {key: tier, operator: In, values: [front, edge]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: everything
spec:
  podSelector: {}
)";
  EXPECT_TRUE(findings_of(kRule, input).empty());
}

// The policy index files a selector under one label it requires; a workload
// must still meet every policy that selects it, whichever of its labels the
// selector names, and expression-only and empty selectors, cluster-wide ones
// included. Each policy counts once.
TEST(WorkloadNotIsolated, EveryKindOfSelectorIsFoundThroughTheIndex) {
  auto pod = [](std::string_view name, std::string_view labels) {
    return fmt::format(
        "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {}, namespace: shop, labels: {}}}\n"
        "spec:\n  containers:\n  - {{name: c, image: app:1}}\n",
        name, labels);
  };
  auto policy = [](std::string_view name, std::string_view selector, std::string_view types) {
    return fmt::format(
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {}, namespace: shop}}\n"
        "spec:\n  podSelector: {}\n  policyTypes: {}\n",
        name, selector, types);
  };
  std::string input = pod("both-labels", "{app: web, tier: front}") + pod("tier-only", "{env: prod, tier: front}") +
                      pod("by-expression", "{role: db}") + pod("other", "{app: other}") +
                      // Filed under app=web (the first pair): selects only pods with both labels.
                      policy("web-front", "{matchLabels: {tier: front, app: web}}", "[Egress]") +
                      // Filed under tier=front, a label that is not the pod's first.
                      policy("front", "{matchLabels: {tier: front}}", "[Egress]") +
                      policy("db", "{matchExpressions: [{key: role, operator: In, values: [db]}]}", "[Ingress]") +
                      policy("egress-for-all", "{}", "[Egress]");
  auto f = findings_of(kRule, input);
  std::map<std::string, std::string> by_name;
  for (const auto& finding : f) by_name[finding.object.name] = finding.message;
  ASSERT_EQ(by_name.size(), 3u) << input;
  EXPECT_NE(by_name["both-labels"].find("the 3 NetworkPolicy(ies)"), std::string::npos) << by_name["both-labels"];
  EXPECT_NE(by_name["tier-only"].find("the 2 NetworkPolicy(ies)"), std::string::npos) << by_name["tier-only"];
  EXPECT_NE(by_name["other"].find("the 1 NetworkPolicy(ies)"), std::string::npos) << by_name["other"];
  EXPECT_EQ(by_name.count("by-expression"), 0u) << "the expression selects it, with Ingress";

  // A cluster-wide Cilium policy selects in every namespace, through the same index.
  std::string cilium = input +
                       "---\napiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\n"
                       "metadata: {name: isolate-web}\nspec:\n  endpointSelector:\n"
                       "    matchLabels: {app: web}\n  ingress:\n  - {}\n";
  auto with_cilium = findings_of(kRule, cilium);
  for (const auto& finding : with_cilium) EXPECT_NE(finding.object.name, "both-labels") << finding.message;
  EXPECT_EQ(with_cilium.size(), 2u);
}

}  // namespace
}  // namespace kg
