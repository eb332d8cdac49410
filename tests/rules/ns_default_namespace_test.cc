#include <gtest/gtest.h>

#include "support/test_support.h"

namespace kg {
namespace {

using testing::findings_of;

constexpr std::string_view kRule = "KG-NS-001";

TEST(DefaultNamespace, FlagsExplicitDefaultNamespace) {
  auto f = findings_of(kRule, R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: default
spec:
  template:
    spec:
      containers:
      - name: api
        image: api:1
---
apiVersion: v1
kind: Secret
metadata:
  name: api-db
  namespace: default
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: api
  namespace: default
)");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].path, "metadata.namespace");
  EXPECT_EQ(f[0].mark.line, 5u);
  EXPECT_EQ(f[0].object.kind, "Deployment");
  EXPECT_EQ(f[1].object.kind, "Secret");
  EXPECT_EQ(f[2].object.kind, "RoleBinding");
  EXPECT_EQ(f[0].severity, rules::Severity::Medium);
}

TEST(DefaultNamespace, QuietWithoutNamespaceOtherNamespacesAndBuiltIns) {
  auto f = findings_of(kRule, R"(apiVersion: v1
kind: Pod
metadata:
  name: no-namespace
spec:
  containers:
  - name: app
    image: nginx:1.25
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
---
apiVersion: v1
kind: Service
metadata:
  name: kubernetes
  namespace: default
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: default
  namespace: default
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: lock-down
  namespace: default
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: default
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
)");
  EXPECT_TRUE(f.empty()) << f.size() << " finding(s), first on " << (f.empty() ? "" : f[0].object.display());
}

TEST(DefaultNamespace, FlagsAllowingNetworkPolicyInDefault) {
  auto f = findings_of(kRule, R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: default
spec:
  podSelector:
    matchLabels: {app: web}
  ingress:
  - {}
)");
  EXPECT_EQ(f.size(), 1u);
}

}  // namespace
}  // namespace kg
