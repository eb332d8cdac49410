// KG-SC-001 in `kubeguard cluster watch`: an extra container that a change
// adds to a live object is evidence of injection and is raised to high; one
// that was there from the start (its owner wrote it) stays a low note.
#include <gtest/gtest.h>

#include "doc/source.h"
#include "engine/watch/change_monitor.h"
#include "engine/watch_test_util.h"
#include "support/test_support.h"

namespace kg {
namespace {

using testing::watch_node_of;

constexpr std::string_view kOne = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, uid: u1}
spec:
  template:
    spec:
      containers:
        - {name: web, image: registry.example.com/web:1.0}
)";

constexpr std::string_view kTwo = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, uid: u1}
spec:
  template:
    spec:
      containers:
        - {name: web, image: registry.example.com/web:1.0}
        - {name: helper, image: registry.example.com/helper:2.0}
)";

std::vector<rules::Finding> sc001(const std::vector<rules::Finding>& findings) {
  std::vector<rules::Finding> out;
  for (const auto& f : findings) {
    if (f.rule_id == "KG-SC-001") out.push_back(f);
  }
  return out;
}

TEST(WatchSidecarEvidence, ContainerAddedByAChangeIsHigh) {
  engine::Config config;
  engine::watch::ChangeMonitor monitor(testing::catalog(), config, "watch");
  monitor.apply({engine::watch::Change::Added, "Deployment", "shop/web", watch_node_of(kOne), true});
  auto f =
      sc001(monitor.apply({engine::watch::Change::Modified, "Deployment", "shop/web", watch_node_of(kTwo), false}));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].container, "helper");
  EXPECT_EQ(f[0].severity, rules::Severity::High);
  EXPECT_NE(f[0].message.find("added to the live object by this change"), std::string::npos) << f[0].message;
}

TEST(WatchSidecarEvidence, ContainerTheOwnerWroteStaysLow) {
  engine::Config config;
  engine::watch::ChangeMonitor monitor(testing::catalog(), config, "watch");
  // A new Deployment with two containers: nothing to compare it with.
  auto f = sc001(monitor.apply({engine::watch::Change::Added, "Deployment", "shop/web", watch_node_of(kTwo), false}));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, rules::Severity::Low);
  // The configuration's own severity wins over the evidence.
  engine::Config quiet;
  quiet.severity_overrides["KG-SC-001"] = rules::Severity::Info;
  engine::watch::ChangeMonitor overridden(testing::catalog(), quiet, "watch");
  overridden.apply({engine::watch::Change::Added, "Deployment", "shop/web", watch_node_of(kOne), true});
  auto g =
      sc001(overridden.apply({engine::watch::Change::Modified, "Deployment", "shop/web", watch_node_of(kTwo), false}));
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].severity, rules::Severity::Info);
}

}  // namespace
}  // namespace kg
