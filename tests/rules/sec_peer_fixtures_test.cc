// KG-SEC-001 and KG-SEC-002 against kubescape's fixtures for the same checks
// (rule-credentials-in-env-var, rule-secrets-in-env-var). Where the verdicts
// differ on purpose, the case is listed with the reason.
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace kg {
namespace {

namespace fs = std::filesystem;

// "spec.containers[1].env[0].valueFrom.secretKeyRef" -> "spec.containers[1].env[0]".
std::string env_entry(std::string_view path) {
  for (std::string_view field : {std::string_view(".envFrom["), std::string_view(".env[")}) {
    size_t at = path.find(field);
    if (at == std::string_view::npos) continue;
    size_t close = path.find(']', at);
    return std::string(path.substr(0, close + 1));
  }
  return std::string(path);
}

std::set<std::string> expected_paths(const fs::path& case_dir, bool env_from) {
  std::set<std::string> out;
  std::string text = testing::read_file((case_dir / "expected.json").string());
  // failedPaths entries are plain strings; a light scan is enough here.
  for (size_t at = text.find("\"spec."); at != std::string::npos; at = text.find("\"spec.", at + 1)) {
    std::string path = text.substr(at + 1, text.find('"', at + 1) - at - 1);
    if ((path.find(".envFrom[") != std::string::npos) == env_from) out.insert(env_entry(path));
  }
  return out;
}

std::set<std::string> actual_paths(const fs::path& case_dir, std::string_view rule, bool env_from) {
  fs::path input = fs::exists(case_dir / "input") ? case_dir / "input" : case_dir / "input.yaml";
  engine::ScanRequest request{{input.string()}, 1};
  auto result = engine::scan(request, testing::catalog(), {});
  EXPECT_TRUE(result.errors.empty()) << case_dir;
  std::set<std::string> out;
  for (const auto& f : result.findings) {
    // Like the expectations: the envFrom comparison looks at envFrom findings only.
    if (f.rule_id == rule && (f.path.find(".envFrom[") != std::string::npos) == env_from) {
      out.insert(env_entry(f.path));
    }
  }
  return out;
}

void compare(std::string_view kubescape_rule, std::string_view our_rule, bool env_from,
             const std::map<std::string, std::string>& deliberate) {
  fs::path root = testing::corpus("peer-fixtures/kubescape/rules") + "/" + std::string(kubescape_rule) + "/test";
  if (!fs::exists(root)) GTEST_SKIP() << "fixtures not found: " << root;
  size_t compared = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    std::string name = entry.path().filename().string();
    std::set<std::string> expected = expected_paths(entry.path(), env_from);
    std::set<std::string> actual = actual_paths(entry.path(), our_rule, env_from);
    if (deliberate.contains(name)) {
      EXPECT_NE(expected, actual) << name << " is listed as a deliberate difference but now agrees";
      continue;
    }
    EXPECT_EQ(expected, actual) << kubescape_rule << "/" << name;
    ++compared;
  }
  EXPECT_GE(compared, 10u);
}

TEST(SecPeerFixtures, LiteralCredentialsAgreeWithKubescape) {
  compare("rule-credentials-in-env-var", "KG-SEC-001", false,
          {
              {"deployment", "the value \"JWT\" is the word, not a token"},
              {"pod", "\"my_key_value\" under an innocuous name is not a credential"},
              {"pod-allowed-values-keys", "\"my_key_value\" under an innocuous name is not a credential"},
              {"workloads", "azure_batch_key holds a sentence: KEY alone needs a random-looking value"},
          });
}

TEST(SecPeerFixtures, SecretsFromEnvFromAgreeWithKubescape) {
  compare("rule-credentials-in-env-var", "KG-SEC-002", true, {});
}

TEST(SecPeerFixtures, SecretsInEnvAgreeWithKubescape) {
  fs::path root = testing::corpus("peer-fixtures/kubescape/rules/rule-secrets-in-env-var/test");
  if (!fs::exists(root)) GTEST_SKIP() << "fixtures not found";
  size_t compared = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    std::set<std::string> expected = expected_paths(entry.path(), false);
    for (const auto& p : expected_paths(entry.path(), true)) expected.insert(p);
    std::set<std::string> actual = actual_paths(entry.path(), "KG-SEC-002", false);
    for (const auto& p : actual_paths(entry.path(), "KG-SEC-002", true)) actual.insert(p);
    EXPECT_EQ(expected, actual) << entry.path().filename();
    ++compared;
  }
  EXPECT_GE(compared, 10u);
}

}  // namespace
}  // namespace kg
