// KG-NS-001 against kubescape's *-in-default-namespace fixtures.
#include <filesystem>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace kg {
namespace {

namespace fs = std::filesystem;

TEST(NsPeerFixtures, DefaultNamespaceAgreesWithKubescape) {
  fs::path root = testing::corpus("peer-fixtures/kubescape/rules");
  if (!fs::exists(root)) GTEST_SKIP() << "fixtures not found";
  size_t compared = 0;
  for (const auto& rule : fs::directory_iterator(root)) {
    std::string rule_name = rule.path().filename().string();
    if (!rule_name.ends_with("-in-default-namespace")) continue;
    for (const auto& c : fs::directory_iterator(rule.path() / "test")) {
      std::string name = rule_name + "/" + c.path().filename().string();
      std::string expected = testing::read_file((c.path() / "expected.json").string());
      bool kubescape_fails = expected.find("\"failedPaths\"") != std::string::npos ||
                             expected.find("\"alertMessage\"") != std::string::npos;
      engine::ScanRequest request{{(c.path() / "input").string()}, 1};
      auto result = engine::scan(request, testing::catalog(), {});
      size_t ours = 0;
      for (const auto& f : result.findings) ours += f.rule_id == "KG-NS-001" ? 1 : 0;
      if (name == "pods-in-default-namespace/pod") {
        // The pod has no metadata.namespace: kubescape reads it as a live
        // object (always namespaced); a manifest without one is placed by
        // whoever applies it, so KG-NS-001 says nothing.
        EXPECT_EQ(ours, 0u);
        EXPECT_TRUE(kubescape_fails);
        continue;
      }
      EXPECT_EQ(ours > 0, kubescape_fails) << name;
      ++compared;
    }
  }
  EXPECT_GE(compared, 10u);
}

}  // namespace
}  // namespace kg
