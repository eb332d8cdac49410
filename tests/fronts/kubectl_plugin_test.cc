// kubeguard as a kubectl plugin: the real kubectl finds kubectl-kubeguard on
// PATH and runs it, and the usage lines then say `kubectl kubeguard`; the krew
// manifest a release publishes names the archive and its checksum.
#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "doc/source.h"
#include "engine/temp_tree.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

int sh(const std::string& line, std::string* out = nullptr) {
  FILE* pipe = popen(("{ " + line + "; } 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  std::string text;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  int status = pclose(pipe);
  if (out != nullptr) *out = std::move(text);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string plugin_dir() { return std::filesystem::path(KG_BINARY).parent_path().string(); }

// Named Live*: the end-to-end step has the control plane's kubectl on PATH.
TEST(LiveKubectlPlugin, KubectlRunsKubeguardAndUsageSaysSo) {
  if (sh("command -v kubectl >/dev/null") != 0) GTEST_SKIP() << "needs kubectl on PATH";
  ASSERT_TRUE(std::filesystem::exists(plugin_dir() + "/kubectl-kubeguard")) << "the build links kubectl-kubeguard";
  std::string path = "PATH=" + plugin_dir() + ":$PATH ";
  std::string out;
  EXPECT_EQ(sh(path + "kubectl plugin list", &out), 0) << out;
  EXPECT_NE(out.find(plugin_dir() + "/kubectl-kubeguard"), std::string::npos) << out;
  EXPECT_EQ(sh(path + "kubectl kubeguard version", &out), 0) << out;
  EXPECT_EQ(out, fmt::format("kubeguard {}\n", KG_VERSION));
  EXPECT_EQ(sh(path + "kubectl kubeguard scan --help", &out), 0) << out;
  EXPECT_NE(out.find("Usage: kubectl kubeguard scan"), std::string::npos) << out;
  EXPECT_EQ(sh(path + "kubectl kubeguard scna x", &out), 2) << out;
  EXPECT_NE(out.find("kubectl kubeguard: unknown command 'scna' (did you mean 'scan'?)"), std::string::npos) << out;
  // A real scan through kubectl.
  TempTree tree;
  std::string file = tree.write("pod.yaml",
                                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                                "  - {name: c, image: 'a:1', securityContext: {privileged: true}}\n");
  EXPECT_EQ(sh(path + "kubectl kubeguard scan " + file, &out), 1) << out;
  EXPECT_NE(out.find("KG-POD-001"), std::string::npos) << out;
}

TEST(KrewManifest, NamesTheArchiveItsChecksumAndTheBinary) {
  TempTree tree;
  std::string stage = tree.dir("stage");
  std::filesystem::copy_file(KG_BINARY, stage + "/kubectl-kubeguard");
  std::string archive = tree.path("kubeguard-v0.1.0-linux-amd64.tar.gz");
  ASSERT_EQ(sh("tar -C " + stage + " -czf " + archive + " kubectl-kubeguard"), 0);
  std::string sha;
  ASSERT_EQ(sh("sha256sum " + archive + " | cut -d' ' -f1", &sha), 0);
  sha.pop_back();
  std::string out;
  ASSERT_EQ(sh("bash " + source("scripts/krew-manifest.sh") +
                   " v0.1.0 https://github.com/kubeguard/kubeguard/releases/download/v0.1.0/"
                   "kubeguard-v0.1.0-linux-amd64.tar.gz " +
                   archive + " 2>/dev/null",
               &out),
            0)
      << out;
  std::optional<doc::Node> root;
  doc::load_text(
      out, "kubeguard.yaml", [&](doc::Document&& d) { root.emplace(std::move(d.root)); },
      [&](doc::LoadError&& e) { ADD_FAILURE() << doc::format_error(e); });
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->get("kind")->str(), "Plugin");
  EXPECT_EQ(root->find({"metadata", "name"})->str(), "kubeguard");
  EXPECT_EQ(root->find({"spec", "version"})->str(), "v0.1.0");
  ASSERT_NE(root->find({"spec", "platforms"}), nullptr);
  ASSERT_EQ(root->find({"spec", "platforms"})->items().size(), 1U);
  const auto& platform = root->find({"spec", "platforms"})->items()[0];
  EXPECT_EQ(platform.get("sha256")->str(), sha);
  EXPECT_EQ(platform.get("bin")->str(), "kubectl-kubeguard");
  EXPECT_EQ(platform.find({"selector", "matchLabels", "arch"})->str(), "amd64");
  // A wrong archive is refused rather than published.
  EXPECT_NE(sh("bash " + source("scripts/krew-manifest.sh") + " v0.1.0 https://x/a.tar.gz " + archive + ".missing"), 0);
  EXPECT_NE(sh("bash " + source("scripts/krew-manifest.sh") + " 0.1 https://x/a.tar.gz " + archive), 0);
}

}  // namespace
}  // namespace kg::testing
