#include <gtest/gtest.h>

#include "support/test_support.h"

namespace kg {
namespace {

using testing::findings_of;

constexpr std::string_view kRule = "KG-NET-002";

TEST(NamespaceWithoutDefaultDeny, ReportsOncePerNamespaceOnNamespaceOrFirstWorkload) {
  auto f = findings_of(kRule, R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: web, image: web:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: api, image: api:1}]
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: batch/v1
kind: Job
metadata: {name: batch, namespace: jobs}
spec:
  template:
    spec:
      containers: [{name: run, image: run:1}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress, namespace: jobs}
spec:
  podSelector: {}
  policyTypes: [Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all-in, namespace: jobs}
spec:
  podSelector: {}
  ingress: [{}]
)");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].object.kind, "Namespace");
  EXPECT_EQ(f[0].object.name, "shop");
  EXPECT_EQ(f[0].mark.line, 17u);
  EXPECT_NE(f[0].message.find("2 workload(s)"), std::string::npos);
  EXPECT_NE(f[0].message.find("not denied by default either"), std::string::npos);
  EXPECT_EQ(f[1].object.kind, "Job");
  EXPECT_EQ(f[1].object.name, "batch");
  EXPECT_NE(f[1].message.find("egress is denied by default"), std::string::npos);
}

TEST(NamespaceWithoutDefaultDeny, QuietWithDefaultDenyOrWithoutWorkloads) {
  auto f = findings_of(kRule, R"(apiVersion: v1
kind: Namespace
metadata: {name: empty}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers: [{name: web, image: web:1}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: v1
kind: Pod
metadata: {name: loose}
spec:
  containers: [{name: app, image: app:1}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny}
spec:
  podSelector: {}
)");
  EXPECT_TRUE(f.empty()) << f.size() << " finding(s), first: " << (f.empty() ? "" : f[0].message);
}

}  // namespace
}  // namespace kg
