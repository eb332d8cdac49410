// NetworkPolicy by direction (policyTypes exactly as the API server defaults
// them) and exposure: Services reachable from outside, Ingresses without TLS,
// administrative ports. Firing and quiet cases on real manifests.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace kg {
namespace {

using testing::findings_of;

constexpr std::string_view kWorkload = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: registry.example.com/web:1.0}]
---
)";

std::string with_policy(std::string_view spec) {
  return std::string(kWorkload) + fmt::format(R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: p, namespace: shop}}
spec:
  podSelector: {{matchLabels: {{app: web}}}}
{}
)",
                                              spec);
}

TEST(NetDirection, EgressOnlyPolicyDoesNotIsolateIngress) {
  std::string text = with_policy("  policyTypes: [Egress]");
  auto ingress = findings_of("KG-NET-001", text);
  ASSERT_EQ(ingress.size(), 1u);
  EXPECT_NE(ingress[0].message.find("without Ingress"), std::string::npos) << ingress[0].message;
  EXPECT_TRUE(findings_of("KG-NET-003", text).empty());
}

TEST(NetDirection, OmittedPolicyTypesAreIngressPlusEgressOnlyWithEgressRules) {
  // Ingress rules only: Ingress by default, egress stays open.
  std::string ingress_rules = with_policy("  ingress: [{from: [{podSelector: {}}]}]");
  EXPECT_TRUE(findings_of("KG-NET-001", ingress_rules).empty());
  auto egress = findings_of("KG-NET-003", ingress_rules);
  ASSERT_EQ(egress.size(), 1u);
  EXPECT_EQ(egress[0].severity, rules::Severity::Low);
  // An empty or null egress list is not len(spec.egress) != 0: still no Egress.
  EXPECT_EQ(findings_of("KG-NET-003", with_policy("  egress: []")).size(), 1u);
  EXPECT_EQ(findings_of("KG-NET-003", with_policy("  egress: null")).size(), 1u);
  // One egress rule (even {} which allows everything) makes the policy an Egress one.
  EXPECT_TRUE(findings_of("KG-NET-003", with_policy("  egress: [{to: [{podSelector: {}}]}]")).empty());
  // Written policyTypes are taken as they are, whatever the rules.
  EXPECT_EQ(findings_of("KG-NET-003", with_policy("  policyTypes: [Ingress]\n  egress: [{}]")).size(), 1u);
}

TEST(NetDirection, DefaultDenyBothWaysIsQuiet) {
  std::string text = std::string(kWorkload) + R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
)";
  EXPECT_TRUE(findings_of("KG-NET-001", text).empty());
  EXPECT_TRUE(findings_of("KG-NET-003", text).empty());
  EXPECT_TRUE(findings_of("KG-NET-002", text).empty());
}

TEST(NetDirection, RealManifests) {
  // kube-score's fixture: a policy with ingress rules only selects the pod.
  std::string only_ingress = testing::read_file(
      testing::corpus("peer-fixtures/kube-score/score/testdata/networkpolicy-matching-only-ingress.yaml"));
  EXPECT_TRUE(findings_of("KG-NET-001", only_ingress).empty());
  EXPECT_FALSE(findings_of("KG-NET-003", only_ingress).empty());
  // kube-prometheus: grafana's policy says [Egress, Ingress].
  std::string dir = testing::corpus("manifests/kube-prometheus/manifests/");
  std::string grafana = testing::read_file(dir + "grafana-deployment.yaml") + "---\n" +
                        testing::read_file(dir + "grafana-networkPolicy.yaml");
  EXPECT_TRUE(findings_of("KG-NET-001", grafana).empty());
  EXPECT_TRUE(findings_of("KG-NET-003", grafana).empty());
  EXPECT_EQ(findings_of("KG-NET-003", testing::read_file(dir + "grafana-deployment.yaml")).size(), 1u);
}

std::string service(std::string_view type, std::string_view extra = "", std::string_view port = "80",
                    std::string_view annotations = "{}") {
  return fmt::format(R"(apiVersion: v1
kind: Service
metadata: {{name: s, namespace: shop, annotations: {}}}
spec:
  type: {}
  selector: {{app: web}}
  ports: [{{port: {}, targetPort: {}}}]
{}
)",
                     annotations, type, port, port, extra);
}

TEST(NetExposure, NodePortAndLoadBalancer) {
  auto node_port = findings_of("KG-NET-004", service("NodePort"));
  ASSERT_EQ(node_port.size(), 1u);
  EXPECT_EQ(node_port[0].severity, rules::Severity::Medium);
  EXPECT_EQ(node_port[0].path, "spec.type");
  auto public_lb = findings_of("KG-NET-004", service("LoadBalancer"));
  ASSERT_EQ(public_lb.size(), 1u);
  EXPECT_EQ(public_lb[0].severity, rules::Severity::High);
  auto internal = findings_of(
      "KG-NET-004",
      service("LoadBalancer", "", "80", R"({service.beta.kubernetes.io/aws-load-balancer-internal: "true"})"));
  ASSERT_EQ(internal.size(), 1u);
  EXPECT_EQ(internal[0].severity, rules::Severity::Low);
  auto ranged = findings_of("KG-NET-004", service("LoadBalancer", "  loadBalancerSourceRanges: [10.0.0.0/8]"));
  ASSERT_EQ(ranged.size(), 1u);
  EXPECT_EQ(ranged[0].severity, rules::Severity::Low);
  auto ssh = findings_of("KG-NET-004", service("NodePort", "", "22"));
  ASSERT_EQ(ssh.size(), 1u);
  EXPECT_EQ(ssh[0].severity, rules::Severity::High);
  EXPECT_NE(ssh[0].message.find("22 (SSH)"), std::string::npos) << ssh[0].message;
  EXPECT_EQ(findings_of("KG-NET-004", service("ClusterIP", "  externalIPs: [198.51.100.7]")).size(), 1u);
  EXPECT_TRUE(findings_of("KG-NET-004", service("ClusterIP")).empty());
}

TEST(NetExposure, RealServices) {
  auto nodeport = findings_of(
      "KG-NET-004", testing::read_file(testing::corpus("manifests/istio/samples/httpbin/httpbin-nodeport.yaml")));
  ASSERT_EQ(nodeport.size(), 1u);
  EXPECT_EQ(nodeport[0].object.name, "httpbin");
  auto lb = findings_of(
      "KG-NET-004", testing::read_file(testing::corpus("manifests/istio/injected-sidecars/frontend.injected.yaml")));
  ASSERT_EQ(lb.size(), 1u);
  EXPECT_EQ(lb[0].object.name, "frontend");
  // cert-manager's Services are ClusterIP.
  EXPECT_TRUE(findings_of("KG-NET-004", testing::read_file(testing::corpus(
                                            "manifests/cert-manager/deploy/manifests/cert-manager.yaml")))
                  .empty());
}

TEST(NetExposure, IngressWithoutTls) {
  auto plain = findings_of(
      "KG-NET-005",
      testing::read_file(testing::corpus("manifests/istio/samples/bookinfo/platform/kube/bookinfo-ingress.yaml")));
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].path, "spec");
  constexpr std::string_view kTls = R"(apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  tls: [{hosts: ["shop.example.com", "*.api.example.com"], secretName: shop-tls}]
  rules:
    - host: shop.example.com
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
    - host: v1.api.example.com
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
    - host: admin.example.com
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: admin, port: {number: 80}}}}]}
)";
  auto uncovered = findings_of("KG-NET-005", kTls);
  ASSERT_EQ(uncovered.size(), 1u);
  EXPECT_EQ(uncovered[0].path, "spec.rules[2].host");
  EXPECT_NE(uncovered[0].message.find("admin.example.com"), std::string::npos);
  // Polaris' fixtures: with TLS quiet, without TLS reported.
  std::string polaris = testing::corpus("peer-fixtures/polaris/test/checks/tlsSettingsMissing/");
  EXPECT_TRUE(findings_of("KG-NET-005", testing::read_file(polaris + "success.yaml")).empty());
  EXPECT_EQ(findings_of("KG-NET-005", testing::read_file(polaris + "failure.yaml")).size(), 1u);
}

TEST(NetExposure, ContainerAdminPorts) {
  std::string linter = testing::read_file(testing::corpus("peer-fixtures/kube-linter/tests/checks/ssh-port.yml"));
  auto f = findings_of("KG-NET-006", linter);
  // The Deployment app1 and the DeploymentConfigs app2 and app3 (OpenShift's,
  // read as workloads for their pod template, as kube-linter reads them)
  // declare 22; dont-fire declares 2222.
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].object.name, "app1");
  EXPECT_EQ(f[1].object.kind, "DeploymentConfig");
  EXPECT_EQ(f[1].object.name, "app2");
  EXPECT_EQ(f[2].object.name, "app3");
  for (const auto& finding : f) EXPECT_NE(finding.message.find("22 (SSH)"), std::string::npos) << finding.message;
  constexpr std::string_view kUdp = R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: x:1, ports: [{containerPort: 22, protocol: UDP}, {containerPort: 10250}]}]
)";
  EXPECT_TRUE(findings_of("KG-NET-006", kUdp).empty());
  // metrics-server and friends listen on 10250: not reported in containers.
  std::string kp =
      testing::read_file(testing::corpus("manifests/kube-prometheus/manifests/prometheusAdapter-deployment.yaml"));
  EXPECT_TRUE(findings_of("KG-NET-006", kp).empty());
}

}  // namespace
}  // namespace kg
