// Every KG-RBAC rule fires on a role or binding that has the permission and
// stays quiet on a near miss; findings point at the rule or binding line.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace kg {
namespace {

using testing::findings_of;

// A Role in namespace `ns` with one rule, bound to a service account.
std::string role_with(std::string_view rule, std::string_view ns = "apps-team") {
  return fmt::format(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: r, namespace: {0}}}
rules:
  - {1}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: b, namespace: {0}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}}
subjects: [{{kind: ServiceAccount, name: bot}}]
)",
                     ns, rule);
}

struct Case {
  std::string_view rule;
  std::string_view fires;  // a policy rule that has the permission
  std::string_view quiet;  // a near miss
};

const Case kCases[] = {
    {"KG-RBAC-001", R"({apiGroups: [apps], resources: [deployments], verbs: [create]})",
     R"({apiGroups: [apps], resources: [deployments], verbs: [get, list, watch]})"},
    {"KG-RBAC-002", R"({apiGroups: [apps], resources: [daemonsets], verbs: [patch]})",
     R"({apiGroups: [apps], resources: [daemonsets/status], verbs: [patch]})"},
    {"KG-RBAC-003", R"({apiGroups: [""], resources: [pods/exec], verbs: [create]})",
     R"({apiGroups: [""], resources: [pods/log], verbs: [get]})"},
    {"KG-RBAC-004", R"({apiGroups: [""], resources: [pods/attach], verbs: [create]})",
     R"({apiGroups: [""], resources: [pods], verbs: [get]})"},
    {"KG-RBAC-005", R"({apiGroups: [""], resources: [pods/ephemeralcontainers], verbs: [patch]})",
     R"({apiGroups: [""], resources: [pods/ephemeralcontainers], verbs: [get]})"},
    {"KG-RBAC-006",
     R"({apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [update]})",
     R"({apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [list]})"},
    {"KG-RBAC-007", R"({apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate]})",
     R"({apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [get]})"},
    {"KG-RBAC-008", R"({apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [bind]})",
     R"({apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [get]})"},
    {"KG-RBAC-009", R"({apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate]})",
     R"({apiGroups: [""], resources: [serviceaccounts], verbs: [get]})"},
    {"KG-RBAC-010", R"({apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]})",
     R"({apiGroups: [""], resources: [serviceaccounts], verbs: [create]})"},
    {"KG-RBAC-011", R"({apiGroups: [""], resources: [secrets], verbs: [list]})",
     R"({apiGroups: [""], resources: [configmaps], verbs: [list]})"},
    {"KG-RBAC-012", R"({apiGroups: [""], resources: [nodes/proxy], verbs: [get]})",
     R"({apiGroups: [""], resources: [nodes/metrics], verbs: [get]})"},
    {"KG-RBAC-013", R"({apiGroups: [apps], resources: ["*"], verbs: [get]})",
     R"({apiGroups: [apps], resources: [deployments], verbs: [get]})"},
    {"KG-RBAC-016",
     R"({apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]})",
     R"({apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [create]})"},
};

TEST(RbacRules, EachPermissionRuleFiresOnItsPermissionOnly) {
  for (const auto& c : kCases) {
    auto fired = findings_of(c.rule, role_with(c.fires));
    ASSERT_EQ(fired.size(), 1u) << c.rule << " on " << c.fires;
    EXPECT_EQ(fired[0].object.kind, "Role") << c.rule;
    EXPECT_EQ(fired[0].mark.line, 5u) << c.rule;  // the rules[0] entry
    EXPECT_EQ(fired[0].path, "rules[0]") << c.rule;
    EXPECT_NE(fired[0].message.find("RoleBinding apps-team/b to ServiceAccount apps-team/bot"), std::string::npos)
        << c.rule << ": " << fired[0].message;
    EXPECT_TRUE(findings_of(c.rule, role_with(c.quiet)).empty()) << c.rule << " on " << c.quiet;
  }
}

TEST(RbacRules, PodCreationIsCriticalInKubeSystem) {
  auto elsewhere = findings_of("KG-RBAC-001", role_with(R"({apiGroups: [""], resources: [pods], verbs: [create]})"));
  ASSERT_EQ(elsewhere.size(), 1u);
  EXPECT_EQ(elsewhere[0].severity, rules::Severity::High);
  auto kube_system =
      findings_of("KG-RBAC-001", role_with(R"({apiGroups: [""], resources: [pods], verbs: [create]})", "kube-system"));
  ASSERT_EQ(kube_system.size(), 1u);
  EXPECT_EQ(kube_system[0].severity, rules::Severity::Critical);
}

TEST(RbacRules, BootstrapRolesAreReportedThroughTheUsersBindings) {
  // Kubernetes' own edit role (as the API server writes it: labelled, aggregated)
  // is not a finding; a user's binding of it is.
  std::string text = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: edit
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}]
rules:
  - {apiGroups: [apps], resources: [deployments], verbs: [create, patch, update]}
)";
  EXPECT_TRUE(findings_of("KG-RBAC-002", text).empty());
  text += R"(---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-edit, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: Group, name: devs}]
)";
  auto f = findings_of("KG-RBAC-002", text);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].object.kind, "RoleBinding");
  EXPECT_EQ(f[0].path, "roleRef");
  EXPECT_EQ(f[0].mark.line, 14u);
}

constexpr std::string_view kClusterAdmin = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: %NAME%%LABELS%}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: %KIND%, name: %SUBJECT%, namespace: ops}]
)";

std::string binding(std::string_view name, std::string_view kind, std::string_view subject,
                    std::string_view labels = "") {
  std::string t(kClusterAdmin);
  auto put = [&](std::string_view key, std::string_view value) { t.replace(t.find(key), key.size(), value); };
  put("%NAME%", name);
  put("%LABELS%", labels);
  put("%KIND%", kind);
  put("%SUBJECT%", subject);
  return t;
}

TEST(RbacRules, ClusterAdminBindingButNotTheApiServersOwn) {
  auto f = findings_of("KG-RBAC-014", binding("ops-admin", "ServiceAccount", "deployer"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].mark.line, 4u);
  EXPECT_NE(f[0].message.find("ServiceAccount ops/deployer"), std::string::npos) << f[0].message;
  EXPECT_TRUE(findings_of("KG-RBAC-014", binding("cluster-admin", "Group", "system:masters",
                                                 ", labels: {kubernetes.io/bootstrapping: rbac-defaults}"))
                  .empty());
}

TEST(RbacRules, PublicSubjectsAnonymousCriticalAuthenticatedHigh) {
  auto anonymous = findings_of("KG-RBAC-015", binding("open", "User", "system:anonymous"));
  ASSERT_EQ(anonymous.size(), 1u);
  EXPECT_EQ(anonymous[0].severity, rules::Severity::Critical);
  EXPECT_EQ(anonymous[0].path, "subjects[0]");
  auto authenticated = findings_of("KG-RBAC-015", binding("all", "Group", "system:authenticated"));
  ASSERT_EQ(authenticated.size(), 1u);
  EXPECT_EQ(authenticated[0].severity, rules::Severity::High);
  EXPECT_TRUE(findings_of("KG-RBAC-015", binding("ops", "Group", "platform-admins")).empty());
  // The name of Kubernetes' own discovery binding proves nothing: this one
  // hands cluster-admin to every authenticated user, label or not.
  EXPECT_EQ(findings_of("KG-RBAC-015", binding("system:discovery", "Group", "system:authenticated")).size(), 1u);
  EXPECT_EQ(findings_of("KG-RBAC-015", binding("system:discovery", "Group", "system:authenticated",
                                               ", labels: {kubernetes.io/bootstrapping: rbac-defaults}"))
                .size(),
            1u);
}

TEST(RbacRules, PodWithInjectingTokenIsReportedAndOptOutIsQuiet) {
  std::string weak = testing::read_file(testing::source("examples/rbac/weak-sa.yaml"));
  auto f = findings_of("KG-RBAC-017", weak);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].object.name, "reporting");
  EXPECT_EQ(f[0].path, "spec.template.spec.serviceAccountName");
  EXPECT_NE(f[0].message.find("inject into 3 workload(s)"), std::string::npos) << f[0].message;
  std::string quiet = weak;
  quiet.replace(quiet.find("serviceAccountName: report-builder"), 34,
                "serviceAccountName: report-builder\n      automountServiceAccountToken: false");
  EXPECT_TRUE(findings_of("KG-RBAC-017", quiet).empty());
}

}  // namespace
}  // namespace kg
