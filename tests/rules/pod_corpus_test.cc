// The POD rules over the real manifests of the corpus.
#include <set>

#include <gtest/gtest.h>

#include "engine/scanner.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

TEST(PodCorpus, EveryManifestScansWithoutCrashAndFindingsPointIntoTheFile) {
  engine::ScanRequest request;
  request.inputs = {corpus("manifests")};
  request.threads = 1;
  engine::ScanResult result = engine::scan(request, catalog(), engine::Config{});
  EXPECT_GT(result.summary.files, 400u);
  EXPECT_GT(result.summary.objects, 900u);
  std::set<std::string> rules_seen;
  for (const auto& f : result.findings) {
    if (!f.rule_id.starts_with("KG-POD-")) continue;
    rules_seen.insert(f.rule_id);
    EXPECT_GT(f.mark.line, 0u) << f.rule_id << " " << f.file;
    EXPECT_FALSE(f.path.empty()) << f.rule_id << " " << f.file;
    EXPECT_FALSE(f.message.empty()) << f.rule_id << " " << f.file;
  }
  // Real installs carry node agents (host network, host paths) and plenty of unhardened containers.
  for (std::string_view id : {"KG-POD-003", "KG-POD-007", "KG-POD-010", "KG-POD-018", "KG-POD-022"}) {
    EXPECT_TRUE(rules_seen.contains(std::string(id))) << id;
  }
}

// kube-prometheus's operator Deployment is hardened: drop ALL, read-only root,
// no escalation, non-root and RuntimeDefault seccomp set at pod level for the
// first container and repeated on the second.
TEST(PodCorpus, HardenedPrometheusOperatorPassesTheSecurityContextRules) {
  std::string path = corpus("manifests/kube-prometheus/manifests/prometheusOperator-deployment.yaml");
  std::string text = read_file(path);
  ASSERT_FALSE(text.empty()) << path;
  auto result = scan_text(text);
  ASSERT_EQ(result.summary.objects, 1u);
  const std::set<std::string> satisfied = {
      "KG-POD-001", "KG-POD-002", "KG-POD-003", "KG-POD-004", "KG-POD-005", "KG-POD-006", "KG-POD-007", "KG-POD-008",
      "KG-POD-009", "KG-POD-010", "KG-POD-011", "KG-POD-012", "KG-POD-013", "KG-POD-014", "KG-POD-015", "KG-POD-016",
      "KG-POD-017", "KG-POD-018", "KG-POD-019", "KG-POD-020", "KG-POD-021", "KG-POD-023"};
  for (const auto& f : result.findings) {
    EXPECT_FALSE(satisfied.contains(f.rule_id)) << f.rule_id << " at " << f.path << ": " << f.message;
  }
  // It does mount its token (it talks to the API) and says so explicitly.
  auto token = findings_of("KG-POD-022", text);
  ASSERT_EQ(token.size(), 1u);
  EXPECT_EQ(token[0].path, "spec.template.spec.automountServiceAccountToken");
  EXPECT_EQ(token[0].mark.line, 28u);
  EXPECT_EQ(token[0].mark.column, 37u);
}

}  // namespace
}  // namespace kg::testing
