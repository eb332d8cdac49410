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

}  // namespace
}  // namespace kg
