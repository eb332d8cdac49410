// The resource names `rbac who-can` takes, against what the real API server
// serves (`kubectl api-resources`; skipped without a control plane): every
// built-in resource resolves from its plural, short names and Kind to its
// plural and group, and every name in the table exists.
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "rbac/resource_names.h"

namespace kg::testing {
namespace {

TEST(LiveRbacNames, ResourceNamesMatchKubectlApiResources) {
  std::string why;
  auto live = live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  std::string out;
  ASSERT_EQ(run_with_kubeconfig(*live, "kubectl api-resources --no-headers -o wide 2>/dev/null", &out), 0);
  std::istringstream lines(out);
  size_t checked = 0;
  std::set<std::string> served;
  for (std::string line; std::getline(lines, line);) {
    // NAME [SHORTNAMES] APIVERSION NAMESPACED KIND VERBS [CATEGORIES]
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    if (w.size() < 5) continue;
    size_t at = w[2] == "true" || w[2] == "false" ? 1 : 2;  // no SHORTNAMES column on this row
    const std::string& name = w[0];
    const std::string& api_version = w[at];
    const std::string& kind = w[at + 2];
    std::string group = api_version.find('/') == std::string::npos ? "" : api_version.substr(0, api_version.find('/'));
    served.insert(name + "." + group);
    auto resolved = rbac::resolve_resource_name(name + "." + group);
    if (!resolved) continue;  // not built in (a CRD)
    ++checked;
    EXPECT_EQ(resolved->plural, name);
    EXPECT_EQ(resolved->group, group) << name;
    if (name == "events" && group == "events.k8s.io") continue;  // kubectl resolves "ev" and "Event" to core
    auto by_kind = rbac::resolve_resource_name(kind);
    ASSERT_TRUE(by_kind) << kind;
    EXPECT_EQ(by_kind->plural, name) << kind;
    if (at == 2) {
      std::istringstream shorts(w[1]);
      for (std::string s; std::getline(shorts, s, ',');) {
        auto by_short = rbac::resolve_resource_name(s);
        ASSERT_TRUE(by_short) << s;
        EXPECT_EQ(by_short->plural, name) << s;
        EXPECT_EQ(by_short->group, group) << s;
      }
    }
  }
  EXPECT_GT(checked, 40U) << out;
  for (std::string name :
       {"pods.", "deployments.apps", "cronjobs.batch", "networkpolicies.networking.k8s.io",
        "clusterrolebindings.rbac.authorization.k8s.io", "customresourcedefinitions.apiextensions.k8s.io"}) {
    EXPECT_TRUE(served.contains(name)) << name;
  }
}

}  // namespace
}  // namespace kg::testing
