// Trust by evidence, not by name: a role or binding is Kubernetes' own only
// when it carries the bootstrap label, a default's name and nothing beyond the
// default's content; cluster-admin is recognised by what a role grants.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "rbac/defaults.h"
#include "support/test_support.h"

namespace kg {
namespace {

using testing::findings_of;

constexpr std::string_view kLabel = "kubernetes.io/bootstrapping: rbac-defaults";

std::string cluster_binding(std::string_view name, std::string_view role, std::string_view subject_kind,
                            std::string_view subject, std::string_view labels = "") {
  return fmt::format(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: "{}"
  labels: {{{}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "{}"}}
subjects: [{{kind: {}, name: "{}", namespace: ops}}]
)",
                     name, labels, role, subject_kind, subject);
}

std::string cluster_role(std::string_view name, std::string_view rules, std::string_view labels = "") {
  return fmt::format(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: "{}"
  labels: {{{}}}
rules:
{}
)",
                     name, labels, rules);
}

TEST(RbacTrust, SystemNamedBindingOfClusterAdminIsReported) {
  // The name proves nothing, with or without the bootstrap label: Kubernetes
  // has no default binding of that name.
  auto f = findings_of("KG-RBAC-014",
                       cluster_binding("system:metrics-helper", "cluster-admin", "ServiceAccount", "metrics-helper"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, rules::Severity::Critical);
  EXPECT_NE(f[0].message.find("system:metrics-helper"), std::string::npos) << f[0].message;
  EXPECT_EQ(findings_of("KG-RBAC-014", cluster_binding("system:metrics-helper", "cluster-admin", "ServiceAccount",
                                                       "metrics-helper", kLabel))
                .size(),
            1u);
}

TEST(RbacTrust, SystemNamedWildcardRoleBoundToAUserIsReported) {
  std::string text = cluster_role("system:test", R"(  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]})") +
                     "---\n" + cluster_binding("test-binding", "system:test", "User", "testuser");
  auto wildcard = findings_of("KG-RBAC-013", text);
  ASSERT_EQ(wildcard.size(), 1u);
  EXPECT_EQ(wildcard[0].object.name, "system:test");
  auto admin = findings_of("KG-RBAC-014", text);
  ASSERT_EQ(admin.size(), 1u);
  EXPECT_NE(admin[0].message.find("User testuser"), std::string::npos) << admin[0].message;
  EXPECT_NE(admin[0].message.find("grants every verb on every resource"), std::string::npos) << admin[0].message;
}

TEST(RbacTrust, TheApiServersOwnBindingIsQuietUntilItBindsSomeoneElse) {
  std::string own = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: cluster-admin
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:masters"}]
)";
  EXPECT_TRUE(findings_of("KG-RBAC-014", own).empty());
  // The same binding with one more subject is somebody's addition.
  std::string added = own;
  added.replace(added.rfind(']'), 1, ", {kind: User, name: mallory}]");
  auto f = findings_of("KG-RBAC-014", added);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("User mallory"), std::string::npos) << f[0].message;
  // Or the default's name pointing at another role.
  std::string discovery = cluster_binding("system:discovery", "cluster-admin", "Group", "system:authenticated", kLabel);
  EXPECT_EQ(findings_of("KG-RBAC-014", discovery).size(), 1u);
  EXPECT_EQ(findings_of("KG-RBAC-015", discovery).size(), 1u);
}

TEST(RbacTrust, ADefaultRoleWithAnExtraRuleIsNoLongerTrusted) {
  // system:node as Kubernetes writes it reads secrets (get, for its pods):
  // quiet. A wildcard rule added to it is not Kubernetes' doing.
  std::string node =
      cluster_role("system:node", R"(  - {apiGroups: [""], resources: [secrets], verbs: [get]})", kLabel);
  EXPECT_TRUE(findings_of("KG-RBAC-011", node).empty());
  std::string tampered = cluster_role("system:node",
                                      R"(  - {apiGroups: [""], resources: [secrets], verbs: [get]}
  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]})",
                                      kLabel);
  EXPECT_EQ(findings_of("KG-RBAC-013", tampered).size(), 1u);
  EXPECT_EQ(findings_of("KG-RBAC-011", tampered).size(), 2u);  // both rules, now taken as written by a user
  // Without the label, Kubernetes' name is only a name.
  EXPECT_EQ(findings_of("KG-RBAC-011",
                        cluster_role("system:node", R"(  - {apiGroups: [""], resources: [secrets], verbs: [get]})"))
                .size(),
            1u);
}

TEST(RbacTrust, ClusterAdminIsRecognisedByContent) {
  auto bound = [](std::string_view rules) {
    return cluster_role("ops-all", rules) + "---\n" +
           R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ops, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ops-all}
subjects: [{kind: ServiceAccount, name: deployer}]
)";
  };
  EXPECT_EQ(findings_of("KG-RBAC-014", bound(R"(  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]})")).size(), 1u);
  // Every verb written out, in two rules.
  EXPECT_EQ(findings_of("KG-RBAC-014", bound(R"(  - {apiGroups: ["*"], resources: ["*"], verbs: [get, list, watch]}
  - {apiGroups: ["*"], resources: ["*"], verbs: [create, update, patch, delete]})"))
                .size(),
            1u);
  // A subset of verbs, of groups, of resources, or named objects only: not cluster-admin.
  for (std::string_view rules : {R"(  - {apiGroups: ["*"], resources: ["*"], verbs: [get, list]})",
                                 R"(  - {apiGroups: [apps], resources: ["*"], verbs: ["*"]})",
                                 R"(  - {apiGroups: ["*"], resources: [pods], verbs: ["*"]})",
                                 R"(  - {apiGroups: ["*"], resources: ["*"], resourceNames: [x], verbs: ["*"]})"}) {
    EXPECT_TRUE(findings_of("KG-RBAC-014", bound(rules)).empty()) << rules;
  }
}

TEST(RbacTrust, ClusterAdminByAggregation) {
  std::string text = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: everything}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {example.com/aggregate-to-everything: "true"}}]
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: piece
  labels: {example.com/aggregate-to-everything: "true"}
rules:
  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
---
)" + cluster_binding("team", "everything", "Group", "team");
  auto f = findings_of("KG-RBAC-014", text);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("ClusterRole everything"), std::string::npos) << f[0].message;
}

TEST(RbacTrust, BindingsToDefaultRolesNotInTheInputMeanWhatTheyMeanInACluster) {
  // edit is not in the input: it exists in every cluster, and it creates pods and reads secrets.
  std::string text = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-edit, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: ci}]
)";
  for (auto rule : {"KG-RBAC-001", "KG-RBAC-002", "KG-RBAC-003", "KG-RBAC-011"}) {
    auto f = findings_of(rule, text);
    ASSERT_EQ(f.size(), 1u) << rule;
    EXPECT_NE(f[0].message.find("built-in ClusterRole edit"), std::string::npos) << f[0].message;
  }
  // view reads neither secrets nor writes anything.
  std::string view = text;
  view.replace(view.find("name: edit"), 10, "name: view");
  for (auto rule : {"KG-RBAC-001", "KG-RBAC-002", "KG-RBAC-003", "KG-RBAC-011", "KG-RBAC-014"}) {
    EXPECT_TRUE(findings_of(rule, view).empty()) << rule;
  }
}

TEST(RbacTrust, DefaultsTableMatchesTheBootstrapPolicy) {
  // The table is generated from Kubernetes' own expected output; a few
  // facts that every version keeps.
  auto roles = rbac::default_roles();
  auto find = [&](std::string_view name) -> const rbac::Role* {
    for (const auto& r : roles) {
      if (r.cluster && r.name == name) return &r;
    }
    return nullptr;
  };
  ASSERT_NE(find("cluster-admin"), nullptr);
  ASSERT_NE(find("system:node"), nullptr);
  ASSERT_NE(find("edit"), nullptr);
  EXPECT_TRUE(find("edit")->aggregated);
  EXPECT_FALSE(rbac::defaults_version().empty());
  EXPECT_GE(roles.size(), 60u);
}

TEST(RbacTrust, RealManifestsSystemNamedRolesAreJudgedByContent) {
  // kube-prometheus names its metrics reader system:aggregated-metrics-reader
  // (no bootstrap label): read-only metrics, so nothing to report, and its
  // binding of Kubernetes' own system:auth-delegator is harmless too.
  std::string dir = testing::corpus("manifests/kube-prometheus/manifests/");
  std::string text = testing::read_file(dir + "prometheusAdapter-clusterRoleAggregatedMetricsReader.yaml") + "---\n" +
                     testing::read_file(dir + "prometheusAdapter-clusterRoleBindingDelegator.yaml");
  auto result = testing::scan_text(text);
  for (const auto& f : result.findings) {
    EXPECT_FALSE(f.rule_id.starts_with("KG-RBAC-")) << f.rule_id << " " << f.message;
  }
  // argo-cd's application controller holds "*" on "*": a cluster-admin binding by content.
  std::string argo = testing::read_file(testing::corpus("manifests/argo-cd/manifests/install.yaml"));
  auto admin = findings_of("KG-RBAC-014", argo);
  ASSERT_FALSE(admin.empty());
  bool controller = false;
  for (const auto& f : admin) controller |= f.message.find("argocd-application-controller") != std::string::npos;
  EXPECT_TRUE(controller);
}

}  // namespace
}  // namespace kg
