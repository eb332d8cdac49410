// A scan of a real directory tree: which files are read, how a malformed
// file is reported without stopping its neighbours, and exit codes, both
// through engine::scan and through the kubeguard binary.
#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engine/config.h"
#include "engine/scanner.h"
#include "engine/temp_tree.h"
#include "support/test_support.h"

namespace kg {
namespace {

std::string privileged_pod(std::string_view name, std::string_view ns = "shop") {
  return fmt::format(R"(apiVersion: v1
kind: Pod
metadata:
  name: {}
  namespace: {}
spec:
  containers:
  - name: app
    image: app:1
    securityContext:
      privileged: true
)",
                     name, ns);
}

constexpr std::string_view kConfigMap = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  colour: blue
)";

constexpr std::string_view kJsonPod = R"({"apiVersion": "v1", "kind": "Pod",
 "metadata": {"name": "c", "namespace": "shop"},
 "spec": {"containers": [{"name": "app", "image": "app:1", "securityContext": {"privileged": true}}]}}
)";

constexpr std::string_view kMalformed = "apiVersion: v1\nkind: Pod\nmetadata: {name: broken\n";

void write_tree(const testing::TempTree& tree) {
  tree.write("good/a.yaml", privileged_pod("a"));
  tree.write("good/sub/b.yml", kConfigMap);
  tree.write("good/sub/deep/c.json", kJsonPod);
  tree.write("good/notes.txt", privileged_pod("txt"));
  tree.write("good/sub/broken.yaml", kMalformed);
  tree.write("good/vendor/v.yaml", privileged_pod("vendored"));
}

std::vector<std::string> privileged_objects(const engine::ScanResult& r) {
  std::vector<std::string> names;
  for (const auto& f : r.findings) {
    if (f.rule_id == "KG-POD-001") names.push_back(f.object.name);
  }
  return names;
}

engine::Config config_of(std::string_view text) {
  auto r = engine::parse_config(text, ".kubeguard.yaml", testing::catalog());
  EXPECT_TRUE(r.errors.empty());
  return r.config;
}

TEST(ScanTree, ReadsManifestFilesReportsTheBrokenOneAndScansItsNeighbours) {
  testing::TempTree tree;
  write_tree(tree);
  engine::ScanRequest request{{tree.path("good")}, 2};
  auto r = engine::scan(request, testing::catalog(), config_of("excludedPaths: ['*/vendor']"));

  EXPECT_EQ(r.summary.files, 4u) << "a.yaml, b.yml, c.json and broken.yaml; not notes.txt, not vendor/";
  EXPECT_EQ(r.summary.excluded_files, 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.summary.errors, 1u);
  EXPECT_EQ(r.errors[0].file, tree.path("good/sub/broken.yaml"));
  EXPECT_EQ(r.errors[0].code, doc::ErrorCode::YamlSyntax);
  EXPECT_GT(r.errors[0].mark.line, 0u);
  EXPECT_EQ(r.summary.objects, 3u);
  EXPECT_EQ(privileged_objects(r), (std::vector<std::string>{"a", "c"})) << "in input order";
  for (const auto& f : r.findings) EXPECT_EQ(f.file.find("notes.txt"), std::string::npos);
  EXPECT_EQ(engine::exit_code(r, rules::Severity::Critical), 2);
}

TEST(ScanTree, WithoutExclusionsTheVendoredFileIsScanned) {
  testing::TempTree tree;
  write_tree(tree);
  engine::ScanRequest request{{tree.path("good")}, 1};
  auto r = engine::scan(request, testing::catalog(), {});
  EXPECT_EQ(r.summary.files, 5u);
  EXPECT_EQ(r.summary.excluded_files, 0u);
  EXPECT_EQ(privileged_objects(r), (std::vector<std::string>{"a", "c", "vendored"}));
}

TEST(ScanTree, FilesNamedExplicitlyAreReadWhateverTheirExtension) {
  testing::TempTree tree;
  write_tree(tree);
  engine::ScanRequest request{{tree.path("good/notes.txt")}, 1};
  auto r = engine::scan(request, testing::catalog(), {});
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(privileged_objects(r), (std::vector<std::string>{"txt"}));
}

TEST(ScanTree, MissingInputIsAnError) {
  testing::TempTree tree;
  engine::ScanRequest request{{tree.path("absent")}, 1};
  auto r = engine::scan(request, testing::catalog(), {});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, doc::ErrorCode::Io);
  EXPECT_EQ(engine::exit_code(r, rules::Severity::Critical), 2);
}

// The binary, as CI runs it. Every run names its own configuration file so
// that no .kubeguard.yaml above the test's directory changes the outcome.
class ScanBinary : public ::testing::Test {
 protected:
  int run(const std::string& args, std::string* out = nullptr) {
    std::string text;
    int code = testing::run_kubeguard(args + " 2>/dev/null", &text);
    if (out != nullptr) *out = std::move(text);
    return code;
  }
  testing::TempTree tree;
};

TEST_F(ScanBinary, ExitsZeroWhenNothingReachesTheThreshold) {
  std::string config = tree.write("conf/empty.yaml", "");
  tree.write("clean/settings.yaml", kConfigMap);
  EXPECT_EQ(run(fmt::format("scan {} --config {} --fail-on critical", tree.path("clean"), config)), 0);
}

TEST_F(ScanBinary, ExitsOneOnAFindingAtTheThreshold) {
  std::string config = tree.write("conf/empty.yaml", "");
  tree.write("bad/pod.yaml", privileged_pod("a"));
  std::string out;
  EXPECT_EQ(run(fmt::format("scan {} --config {} --fail-on critical -f json", tree.path("bad"), config), &out), 1);
  EXPECT_NE(out.find("KG-POD-001"), std::string::npos);
}

TEST_F(ScanBinary, ExitsTwoOnAMalformedFileAndStillReportsItsNeighbours) {
  std::string config = tree.write("conf/empty.yaml", "");
  write_tree(tree);
  std::string out;
  EXPECT_EQ(run(fmt::format("scan {} --config {} -f json", tree.path("good"), config), &out), 2);
  EXPECT_NE(out.find("broken.yaml"), std::string::npos) << "the error is in the report";
  EXPECT_NE(out.find(tree.path("good/a.yaml")), std::string::npos) << "neighbours are scanned";
  EXPECT_NE(out.find(tree.path("good/sub/deep/c.json")), std::string::npos);
  EXPECT_EQ(out.find("notes.txt"), std::string::npos);
}

TEST_F(ScanBinary, ConfigurationSuppressesDisablesAndFailsOn) {
  tree.write("bad/pod.yaml", privileged_pod("a", "legacy"));
  std::string excluded = tree.write("conf/excluded.yaml", "excludedNamespaces: [legacy]\n");
  std::string disabled = tree.write("conf/disabled.yaml", "failOn: critical\ndisabledRules: [privileged-container]\n");
  std::string lowered = tree.write("conf/lowered.yaml", "failOn: critical\nseverityOverrides: {KG-POD-001: high}\n");
  std::string strict = tree.write("conf/strict.yaml", "failOn: critical\n");
  std::string out;
  EXPECT_EQ(run(fmt::format("scan {} --config {} --fail-on info -f json", tree.path("bad"), excluded), &out), 0);
  EXPECT_NE(out.find("\"suppressed\": true"), std::string::npos) << out.substr(0, 2000);
  EXPECT_EQ(run(fmt::format("scan {} --config {}", tree.path("bad"), strict)), 1);
  EXPECT_EQ(run(fmt::format("scan {} --config {}", tree.path("bad"), lowered)), 0);
  EXPECT_EQ(run(fmt::format("scan {} --config {} -f json", tree.path("bad"), disabled), &out), 0);
  EXPECT_EQ(out.find("KG-POD-001"), std::string::npos);
}

TEST_F(ScanBinary, InvalidConfigurationExitsTwo) {
  tree.write("bad/pod.yaml", privileged_pod("a"));
  std::string config = tree.write("conf/typo.yaml", "failOn: high\nexcludeNamespaces: [legacy]\n");
  EXPECT_EQ(run(fmt::format("scan {} --config {}", tree.path("bad"), config)), 2);
  std::string unknown_rule = tree.write("conf/rule.yaml", "disabledRules: [KG-NOPE-001]\n");
  EXPECT_EQ(run(fmt::format("scan {} --config {}", tree.path("bad"), unknown_rule)), 2);
}

}  // namespace
}  // namespace kg
