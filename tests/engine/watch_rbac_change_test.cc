// KG-RBAC-019 in `kubeguard cluster watch`: a change by hand to one of
// Kubernetes' own roles or bindings (labelled rbac-defaults) and the deletion
// of a role or binding, which the RBAC rules on a state cannot see (a delete
// grants nothing new, nor does a label on a built-in role).
#include <string>

#include <gtest/gtest.h>

#include "doc/source.h"
#include "engine/watch/change_monitor.h"
#include "engine/watch_test_util.h"
#include "support/test_support.h"

namespace kg {
namespace {

using engine::watch::Change;

using testing::watch_node_of;

const std::string kBuiltIn = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:heapster
  uid: r1
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
  annotations: {rbac.authorization.kubernetes.io/autoupdate: "true"}
rules:
  - {apiGroups: [""], resources: [events, namespaces, nodes, pods], verbs: [get, list, watch]}
)";

std::string with(std::string text, std::string_view from, std::string_view to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::vector<rules::Finding> rbac019(std::vector<rules::Finding> findings) {
  std::erase_if(findings, [](const rules::Finding& f) { return f.rule_id != "KG-RBAC-019"; });
  return findings;
}

// The findings of one change to an object the watch already knew.
std::vector<rules::Finding> after_change(std::string_view kind, std::string_view key, const std::string& from,
                                         const std::string& to, const engine::Config& config = {}) {
  engine::watch::ChangeMonitor monitor(testing::catalog(), config, "watch");
  monitor.apply({Change::Added, std::string(kind), std::string(key), watch_node_of(from), true});
  return rbac019(monitor.apply({Change::Modified, std::string(kind), std::string(key), watch_node_of(to), false}));
}

TEST(WatchRbacChange, BuiltInObjectChangedByHandIsHigh) {
  // A label (the matrix's variant), the autoupdate annotation turned off, a rule added.
  for (const std::string& changed : {with(kBuiltIn, "kubernetes.io/bootstrapping: rbac-defaults}",
                                          "kubernetes.io/bootstrapping: rbac-defaults, marker: x}"),
                                     with(kBuiltIn, "autoupdate: \"true\"", "autoupdate: \"false\""),
                                     with(kBuiltIn, "verbs: [get, list, watch]}",
                                          "verbs: [get, list, watch]}\n  - {apiGroups: [\"\"], "
                                          "resources: [secrets], verbs: [get]}")}) {
    auto f = after_change("ClusterRole", "system:heapster", kBuiltIn, changed);
    ASSERT_EQ(f.size(), 1u) << changed;
    EXPECT_EQ(f[0].severity, rules::Severity::High);
    EXPECT_EQ(f[0].object.name, "system:heapster");
    EXPECT_NE(f[0].message.find("changed by hand"), std::string::npos) << f[0].message;
  }
  // An ignore annotation written in the same change does not excuse it.
  auto excused =
      after_change("ClusterRole", "system:heapster", kBuiltIn,
                   with(kBuiltIn, "autoupdate: \"true\"}", "autoupdate: \"false\", kubeguard.io/ignore: KG-RBAC-019}"));
  EXPECT_EQ(excused.size(), 1u);
}

TEST(WatchRbacChange, OrdinaryEditsAndAggregationAreQuiet) {
  // A role of one's own edited: the grant rules judge what it grants now.
  std::string own = with(kBuiltIn, "labels: {kubernetes.io/bootstrapping: rbac-defaults}", "labels: {team: a}");
  EXPECT_TRUE(after_change("ClusterRole", "system:heapster", own, with(own, "team: a", "team: b")).empty());
  // Bookkeeping only (what the API server writes on every update).
  EXPECT_TRUE(after_change("ClusterRole", "system:heapster", kBuiltIn,
                           with(kBuiltIn, "uid: r1", "uid: r1\n  resourceVersion: \"42\""))
                  .empty());
  // The aggregation controller fills in a built-in aggregated role's rules.
  const std::string edit = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: edit
  labels: {kubernetes.io/bootstrapping: rbac-defaults}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}]
rules:
  - {apiGroups: [""], resources: [pods], verbs: [create]}
)";
  EXPECT_TRUE(after_change("ClusterRole", "edit", edit,
                           with(edit, "verbs: [create]}",
                                "verbs: [create]}\n  - {apiGroups: [example.com], "
                                "resources: [widgets], verbs: [create]}"))
                  .empty());
  // ... but not its aggregation rule.
  EXPECT_EQ(after_change("ClusterRole", "edit", edit, with(edit, "aggregate-to-edit", "aggregate-to-anything")).size(),
            1u);
}

TEST(WatchRbacChange, DeletesAreReportedBuiltInOnesHigh) {
  const std::string binding = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dev-view, namespace: shop, uid: b1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: dev}]
)";
  engine::Config config;
  engine::watch::ChangeMonitor monitor(testing::catalog(), config, "watch");
  monitor.apply({Change::Added, "RoleBinding", "shop/dev-view", watch_node_of(binding), true});
  monitor.apply({Change::Added, "ClusterRole", "system:heapster", watch_node_of(kBuiltIn), true});
  auto ordinary = rbac019(monitor.apply({Change::Deleted, "RoleBinding", "shop/dev-view", {}, false}));
  ASSERT_EQ(ordinary.size(), 1u);
  EXPECT_EQ(ordinary[0].severity, rules::Severity::Low);
  EXPECT_EQ(ordinary[0].object.name_space, "shop");
  auto built_in = rbac019(monitor.apply({Change::Deleted, "ClusterRole", "system:heapster", {}, false}));
  ASSERT_EQ(built_in.size(), 1u);
  EXPECT_EQ(built_in[0].severity, rules::Severity::High);
  EXPECT_NE(built_in[0].message.find("deleted"), std::string::npos) << built_in[0].message;
  // An object the watch never knew, and a disabled rule: nothing.
  EXPECT_TRUE(rbac019(monitor.apply({Change::Deleted, "Role", "shop/unknown", {}, false})).empty());
  engine::Config off;
  off.disabled_rules.insert("KG-RBAC-019");
  engine::watch::ChangeMonitor quiet(testing::catalog(), off, "watch");
  quiet.apply({Change::Added, "ClusterRole", "system:heapster", watch_node_of(kBuiltIn), true});
  EXPECT_TRUE(rbac019(quiet.apply({Change::Deleted, "ClusterRole", "system:heapster", {}, false})).empty());
}

}  // namespace
}  // namespace kg
