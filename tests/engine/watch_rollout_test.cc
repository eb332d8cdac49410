// KG-DRIFT-002 in `kubeguard cluster watch`: a controller's template rolled
// to a new version of the same image is a rollout, not drift (admission lets
// the same update through); another repository, another digest, a pod's own
// image changed in place and a pod unlike its controller's template are drift.
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

std::string deployment(std::string_view image) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop, uid: d1}\n"
         "spec:\n  template:\n    spec:\n      containers:\n        - {name: web, image: '" +
         std::string(image) + "'}\n";
}

std::string cronjob(std::string_view image) {
  return "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: tick, namespace: shop, uid: c1}\n"
         "spec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
         "          containers:\n            - {name: tick, image: '" +
         std::string(image) + "'}\n";
}

std::string replicaset(std::string_view image) {
  return "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web-5d9c, namespace: shop, uid: r1}\n"
         "spec:\n  template:\n    spec:\n      containers:\n        - {name: web, image: '" +
         std::string(image) + "'}\n";
}

std::string pod(std::string_view image, bool owned) {
  std::string owner = owned ? ", ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d9c, uid: r1, "
                              "controller: true}]"
                            : "";
  return "apiVersion: v1\nkind: Pod\nmetadata: {name: web-5d9c-x1, namespace: shop, uid: p1" + owner +
         "}\nspec:\n  containers:\n    - {name: web, image: '" + std::string(image) + "'}\n";
}

// The KG-DRIFT-002 findings of one change from `from` to `to` of an object
// the watch already knew.
std::vector<rules::Finding> image_drift(std::string_view kind, std::string_view key, const std::string& from,
                                        const std::string& to) {
  engine::Config config;
  engine::watch::ChangeMonitor monitor(testing::catalog(), config, "watch");
  monitor.apply({Change::Added, std::string(kind), std::string(key), watch_node_of(from), true});
  std::vector<rules::Finding> out;
  for (auto& f : monitor.apply({Change::Modified, std::string(kind), std::string(key), watch_node_of(to), false})) {
    if (f.rule_id == "KG-DRIFT-002") out.push_back(std::move(f));
  }
  return out;
}

constexpr std::string_view kDigestA = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
constexpr std::string_view kDigestB = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

TEST(WatchRollout, NewVersionOfTheSameImageInATemplateIsARollout) {
  EXPECT_TRUE(image_drift("Deployment", "shop/web", deployment("nginx:1.25"), deployment("nginx:1.26")).empty());
  // Back again (kubectl rollout undo), and a registry written out in full.
  EXPECT_TRUE(image_drift("Deployment", "shop/web", deployment("nginx:1.26"), deployment("nginx:1.25")).empty());
  EXPECT_TRUE(
      image_drift("Deployment", "shop/web", deployment("nginx:1.25"), deployment("docker.io/library/nginx:1.26"))
          .empty());
  EXPECT_TRUE(image_drift("CronJob", "shop/tick", cronjob("busybox:1.36"), cronjob("busybox:1.37")).empty());
}

TEST(WatchRollout, AnotherRepositoryOrDigestInATemplateIsDrift) {
  auto moved = image_drift("Deployment", "shop/web", deployment("nginx:1.25"), deployment("evil.example/nginx:1.25"));
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].severity, rules::Severity::High);
  EXPECT_EQ(moved[0].container, "web");
  EXPECT_EQ(image_drift("CronJob", "shop/tick", cronjob("busybox:1.36"), cronjob("evil.example/x:1")).size(), 1u);
  std::string pinned = "registry.example/api@" + std::string(kDigestA);
  std::string repinned = "registry.example/api@" + std::string(kDigestB);
  EXPECT_EQ(image_drift("Deployment", "shop/web", deployment(pinned), deployment(repinned)).size(), 1u);
  EXPECT_EQ(image_drift("Deployment", "shop/web", deployment(pinned), deployment("registry.example/api:2")).size(), 1u);
}

std::string owned_replicaset(std::string_view image) {
  return "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-7f8d\n  namespace: shop\n  uid: r2\n"
         "  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d1, controller: true}]\n"
         "spec:\n  template:\n    spec:\n      containers:\n        - {name: web, image: '" +
         std::string(image) + "'}\n";
}

// The Deployment's stream and the ReplicaSet's are separate: the new
// ReplicaSet of a rollout may come before the Deployment's change.
TEST(WatchRollout, ReplicaSetSeenBeforeItsDeploymentsRolloutIsNoDrift) {
  auto drift_of_new_replicaset = [](std::string_view image) {
    engine::Config config;
    engine::watch::ChangeMonitor monitor(testing::catalog(), config, "watch");
    monitor.apply({Change::Added, "Deployment", "shop/web", watch_node_of(deployment("nginx:1.25")), true});
    size_t drift = 0;
    for (const auto& f :
         monitor.apply({Change::Added, "ReplicaSet", "shop/web-7f8d", watch_node_of(owned_replicaset(image)), false})) {
      drift += f.rule_id == "KG-DRIFT-002";
    }
    return drift;
  };
  EXPECT_EQ(drift_of_new_replicaset("nginx:1.26"), 0u);
  EXPECT_EQ(drift_of_new_replicaset("evil.example/nginx:1.25"), 1u);
}

TEST(WatchRollout, PodsImageChangedInPlaceIsDrift) {
  // A running pod's image is changed (kubectl set image pod/...): no
  // controller rolled anything out, so even a new tag is drift.
  EXPECT_EQ(image_drift("Pod", "shop/web-5d9c-x1", pod("nginx:1.25", false), pod("nginx:1.26", false)).size(), 1u);
}

TEST(WatchRollout, PodUnlikeItsControllersTemplateIsDrift) {
  engine::Config config;
  engine::watch::ChangeMonitor monitor(testing::catalog(), config, "watch");
  monitor.apply({Change::Added, "ReplicaSet", "shop/web-5d9c", watch_node_of(replicaset("nginx:1.25")), true});
  size_t drift = 0;
  for (const auto& f :
       monitor.apply({Change::Added, "Pod", "shop/web-5d9c-x1", watch_node_of(pod("nginx:1.26", true)), false})) {
    drift += f.rule_id == "KG-DRIFT-002";
  }
  EXPECT_EQ(drift, 1u);
  // The same pod as its template says: nothing.
  engine::watch::ChangeMonitor same(testing::catalog(), config, "watch");
  same.apply({Change::Added, "ReplicaSet", "shop/web-5d9c", watch_node_of(replicaset("nginx:1.25")), true});
  for (const auto& f :
       same.apply({Change::Added, "Pod", "shop/web-5d9c-x1", watch_node_of(pod("nginx:1.25", true)), false})) {
    EXPECT_NE(f.rule_id, "KG-DRIFT-002") << f.message;
  }
}

}  // namespace
}  // namespace kg
