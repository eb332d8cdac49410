// `kubeguard diff` reads both sides through the evaluation session (the loop
// every front uses), so a List kubectl refuses is an error here as in a scan,
// not a list silently dropped.
#include <gtest/gtest.h>

#include "drift_test_util.h"
#include "engine/temp_tree.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

constexpr std::string_view kRefusedList = R"(apiVersion: v1
kind: List
items:
- just-a-string
- apiVersion: v1
  kind: ServiceAccount
  metadata: {name: builder, namespace: shop}
)";

constexpr std::string_view kPod = R"(apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
  - name: app
    image: registry.example/app:1.0
)";

TEST(DriftReading, AListKubectlRefusesIsAnErrorOnEitherSide) {
  for (bool on_live : {false, true}) {
    std::string with_list = std::string(kPod) + "---\n" + std::string(kRefusedList);
    engine::ScanResult result = on_live ? diff_texts(kPod, with_list) : diff_texts(with_list, kPod);
    ASSERT_EQ(result.errors.size(), 1u) << dump(result);
    EXPECT_EQ(result.errors[0].message, "list item is not an object");
    EXPECT_EQ(result.errors[0].mark.line, 12u);
    EXPECT_EQ(result.summary.errors, 1u);
    // The pod on both sides is still compared: no drift, no finding.
    EXPECT_TRUE(result.findings.empty()) << dump(result);
  }
}

TEST(DriftReading, TheCommandExitsTwoAndNamesTheFileAsAScanDoes) {
  TempTree tree;
  std::string baseline = tree.write("baseline.yaml", std::string(kPod) + "---\n" + std::string(kRefusedList));
  std::string live = tree.write("live.yaml", kPod);
  std::string out;
  EXPECT_EQ(run_kubeguard("diff --baseline " + baseline + " --live " + live + " 2>&1", &out), 2);
  EXPECT_NE(out.find("baseline.yaml:12"), std::string::npos) << out;
  EXPECT_NE(out.find("list item is not an object"), std::string::npos) << out;
  EXPECT_EQ(run_kubeguard("scan -q " + baseline + " 2>&1", &out), 2);
  EXPECT_NE(out.find("baseline.yaml:12"), std::string::npos) << out;
}

}  // namespace
}  // namespace kg::testing
