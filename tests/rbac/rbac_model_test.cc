// The permission model: aggregation, binding scope, subjects, who-can,
// who-can-inject and attack paths.
#include <algorithm>

#include <gtest/gtest.h>

#include "engine/rbac_source.h"
#include "rbac/attack_paths.h"
#include "rbac/authorizer.h"
#include "rbac/inject.h"
#include "rbac_test_util.h"
#include "support/test_support.h"

namespace kg::rbac {
namespace {

using testing::rbac_objects;
using testing::rbac_policy;

Attributes ask(std::string verb, std::string group, std::string_view resource, std::string ns) {
  Attributes a;
  a.verb = std::move(verb);
  a.api_group = std::move(group);
  set_resource(a, resource);
  a.name_space = std::move(ns);
  return a;
}

constexpr std::string_view kAggregation = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: top}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {agg: top}}]
rules: [{apiGroups: [""], resources: [configmaps], verbs: [delete]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: middle, labels: {agg: top}}
aggregationRule:
  clusterRoleSelectors: [{matchExpressions: [{key: agg, operator: In, values: [middle]}]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: leaf, labels: {agg: middle}}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: unrelated, labels: {agg: other}}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: top-to-alice}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: top}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
)";

TEST(RbacModel, AggregationIsTransitiveAndReplacesOwnRules) {
  Policy p = rbac_policy(kAggregation);
  UserInfo alice = authenticated_user("alice");
  EXPECT_TRUE(authorize(p, alice, ask("get", "", "secrets", "x")));
  EXPECT_FALSE(authorize(p, alice, ask("get", "", "pods", "x")));
  // The aggregated role's own rules are overwritten by the controller.
  EXPECT_FALSE(authorize(p, alice, ask("delete", "", "configmaps", "x")));
  auto grant = authorize(p, alice, ask("get", "", "secrets", "x"));
  ASSERT_TRUE(grant && grant->rule.role != nullptr);
  EXPECT_EQ(grant->rule.role->name, "leaf");
}

constexpr std::string_view kScopes = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-patcher}
rules: [{apiGroups: [""], resources: [pods], verbs: [patch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: patchers, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-patcher}
subjects:
  - {kind: ServiceAccount, name: bot}
  - {kind: Group, name: "system:serviceaccounts:team-c", apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: no-namespace-sa}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-patcher}
subjects: [{kind: ServiceAccount, name: ghost}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: missing-role, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: nowhere}
subjects: [{kind: User, name: carol}]
)";

TEST(RbacModel, RoleBindingScopesAClusterRoleToItsNamespace) {
  Policy p = rbac_policy(kScopes);
  UserInfo bot = service_account_user("team-a", "bot");
  EXPECT_TRUE(authorize(p, bot, ask("patch", "", "pods", "team-a")));
  EXPECT_FALSE(authorize(p, bot, ask("patch", "", "pods", "team-b")));
  EXPECT_FALSE(authorize(p, bot, ask("patch", "", "pods", "")));  // cluster-wide request
  // Same name in another namespace is another account.
  EXPECT_FALSE(authorize(p, service_account_user("team-b", "bot"), ask("patch", "", "pods", "team-a")));
  // Every service account of team-c, through its group.
  EXPECT_TRUE(authorize(p, service_account_user("team-c", "any"), ask("patch", "", "pods", "team-a")));
  // A ClusterRoleBinding's ServiceAccount without a namespace is nobody.
  EXPECT_FALSE(authorize(p, service_account_user("default", "ghost"), ask("patch", "", "pods", "team-a")));
  // A binding to a role that does not exist grants nothing.
  EXPECT_FALSE(authorize(p, authenticated_user("carol"), ask("patch", "", "pods", "team-a")));
  // system:masters is allowed before RBAC is asked.
  EXPECT_TRUE(authorize(p, UserInfo{"root", {"system:masters"}}, ask("delete", "", "nodes", "")));
}

TEST(RbacModel, WhoCanListsBindingsInScope) {
  Policy p = rbac_policy(kScopes);
  auto in_a = who_can(p, ask("patch", "", "pods", "team-a"), false);
  ASSERT_EQ(in_a.size(), 2u);
  EXPECT_EQ(describe_subject(*in_a[0].subject, *in_a[0].binding), "ServiceAccount team-a/bot");
  EXPECT_EQ(describe_subject(*in_a[1].subject, *in_a[1].binding), "Group system:serviceaccounts:team-c");
  EXPECT_TRUE(who_can(p, ask("patch", "", "pods", "team-b"), false).empty());
  EXPECT_EQ(who_can(p, ask("patch", "", "pods", ""), true).size(), 2u);
  EXPECT_TRUE(who_can(p, ask("get", "", "pods", "team-a"), true).empty());
}

TEST(RbacModel, ClusterAdminIsBuiltInWhenTheInputOnlyBindsIt) {
  Policy p = rbac_policy(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: payments-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: payments-api, namespace: payments}]
)");
  UserInfo sa = service_account_user("payments", "payments-api");
  EXPECT_TRUE(authorize(p, sa, ask("delete", "", "nodes", "")));
  EXPECT_TRUE(authorize(p, sa, ask("create", "", "pods/exec", "kube-system")));
  EXPECT_FALSE(authorize(p, service_account_user("payments", "other"), ask("get", "", "pods", "payments")));
  // A cluster-admin of the input keeps what it writes and gets the default's
  // rules back: the API server's reconciliation adds them at its next start.
  Policy own = rbac_policy(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-admin}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: payments-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: payments-api, namespace: payments}]
)");
  EXPECT_TRUE(authorize(own, sa, ask("delete", "", "nodes", "")));
  EXPECT_TRUE(authorize(own, sa, ask("get", "", "pods", "x")));
  // A role of another name is used exactly as written.
  Policy other = rbac_policy(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: payments-admin}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: payments-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: payments-admin}
subjects: [{kind: ServiceAccount, name: payments-api, namespace: payments}]
)");
  EXPECT_FALSE(authorize(other, sa, ask("delete", "", "nodes", "")));
  EXPECT_TRUE(authorize(other, sa, ask("get", "", "pods", "x")));
}

TEST(RbacModel, FieldsThatCannotBeReadAreIssuesWithFileAndLine) {
  auto objects = rbac_objects(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bad, namespace: x}
roleRef: {kind: Secret, name: s}
subjects: [{kind: Robot, name: r}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: x}
rules:
  - {apiGroups: [""], resources: pods}
)");
  ASSERT_EQ(objects.issues.size(), 3u);
  EXPECT_EQ(objects.issues[0].file, "rbac.yaml");
  EXPECT_EQ(objects.issues[0].mark.line, 4u);
  EXPECT_NE(objects.issues[0].message.find("roleRef.kind"), std::string::npos) << objects.issues[0].message;
  EXPECT_NE(objects.issues[1].message.find("rules[0].resources"), std::string::npos) << objects.issues[1].message;
  EXPECT_NE(objects.issues[2].message.find("rules[0].verbs"), std::string::npos) << objects.issues[2].message;
  EXPECT_TRUE(objects.bindings.empty());
  EXPECT_EQ(objects.roles.size(), 1u);  // kept: the rest of the object still counts
}

TEST(RbacInject, PlantedWeakServiceAccountCanInjectAndItsPodIsAnAttackPath) {
  Loaded loaded = engine::load_rbac_files({testing::source("examples/rbac/weak-sa.yaml")});
  ASSERT_TRUE(loaded.errors.empty()) << doc::format_error(loaded.errors[0]);
  Policy p = Policy::build(std::move(loaded.objects));
  auto answers = who_can_inject(p, "shop");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].principal.display(), "ServiceAccount shop/report-builder");
  std::vector<InjectPath> how;
  for (const auto& r : answers[0].reaches) how.push_back(r.path);
  EXPECT_EQ(how, (std::vector<InjectPath>{InjectPath::WorkloadWrite, InjectPath::Exec}));
  EXPECT_TRUE(who_can_inject(p, "elsewhere").empty());

  auto paths = attack_paths(p, "");
  // reporting mounts the token; storefront and checkout opt out.
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_EQ(paths[0].pod->origin.ref.name, "reporting");
  EXPECT_EQ(paths[0].targets.size(), 3u);
  EXPECT_EQ(paths[0].namespaces, std::vector<std::string>{"shop"});
  EXPECT_NE(describe(paths[0]).find("inject into 3 workload(s)"), std::string::npos) << describe(paths[0]);
  // The aggregated reader gives it the secrets too.
  EXPECT_TRUE(authorize(p, service_account_user("shop", "report-builder"), ask("list", "", "secrets", "shop")));
}

TEST(RbacInject, EscalateNeedsWriteOnRolesToo) {
  constexpr std::string_view base = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: ns}
rules:
  - {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [%VERBS%]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: User, name: dave}]
)";
  auto with = [&](std::string_view verbs) {
    std::string text(base);
    text.replace(text.find("%VERBS%"), 7, verbs);
    Policy p = rbac_policy(text);
    return inject_reach(p, authenticated_user("dave"), "ns");
  };
  EXPECT_TRUE(with("escalate").empty());
  auto reach = with("escalate, update");
  ASSERT_EQ(reach.size(), 1u);
  EXPECT_EQ(reach[0].path, InjectPath::Escalate);
}

TEST(RbacInject, TokenMountFollowsPodThenServiceAccount) {
  Policy p = rbac_policy(R"(apiVersion: v1
kind: ServiceAccount
metadata: {name: quiet, namespace: ns}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: ns}
spec: {serviceAccountName: quiet, containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: ns}
spec: {serviceAccountName: quiet, automountServiceAccountToken: true, containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: c, namespace: ns}
spec: {containers: [{name: c, image: i}]}
)");
  ASSERT_EQ(p.pods().size(), 3u);
  EXPECT_FALSE(token_mounted(p, p.pods()[0]));
  EXPECT_TRUE(token_mounted(p, p.pods()[1]));
  EXPECT_TRUE(token_mounted(p, p.pods()[2]));
  EXPECT_EQ(p.pods()[2].service_account, "default");
}

}  // namespace
}  // namespace kg::rbac
