// The release path (scripts/release.sh): deploy/ and the chart carry a
// placeholder digest in the tree; a release writes them with the image's
// digest, and kubeguard's strictest scan of what it ships stays clean; the
// chart as the real helm renders it carries the digest and scans clean (or
// the release stops); the kubectl plugin's archive comes with a krew
// manifest that passes krew's own checks and installs a binary that runs.
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "doc/source.h"
#include "engine/temp_tree.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPlaceholder = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
constexpr std::string_view kDigest = "sha256:4f1c1e2b1d6a0c8e9b7a5d3f2e1c0b9a8f7e6d5c4b3a29181716151413121110";

int sh(const std::string& line, std::string* out = nullptr) {
  std::string command = fmt::format("{{ {}; }} 2>&1", line);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::string text;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  int status = pclose(pipe);
  if (out != nullptr) *out = std::move(text);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string release(const std::string& args) {
  return fmt::format("KUBEGUARD='{}' bash '{}/scripts/release.sh' {}", KG_BINARY, KG_SOURCE_DIR, args);
}

// Every file under `dir` and the image lines in it.
std::vector<std::string> image_lines(const fs::path& dir) {
  std::vector<std::string> lines;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".yaml") continue;
    std::istringstream in(slurp(e.path()));
    for (std::string line; std::getline(in, line);) {
      if (line.find("image: ") != std::string::npos && line.find('#') == std::string::npos) lines.push_back(line);
    }
  }
  return lines;
}

TEST(Release, WritesTheImageDigestIntoDeployAndTheChart) {
  TempTree tree;
  std::string out_dir = tree.path("release");
  std::string out;
  ASSERT_EQ(sh(release(fmt::format("--no-plugin --digest {} --out '{}'", kDigest, out_dir)), &out), 0) << out;
  EXPECT_NE(out.find(kDigest), std::string::npos) << out;
  std::vector<std::string> lines = image_lines(fs::path(out_dir) / "deploy");
  ASSERT_GE(lines.size(), 3u) << "the webhook's and the node agent's images";
  for (const auto& line : lines) {
    EXPECT_NE(line.find(std::string("ghcr.io/kubeguard/kubeguard:") + KG_VERSION + "@" + std::string(kDigest)),
              std::string::npos)
        << line;
  }
  std::string values = slurp(fs::path(out_dir) / "charts/kubeguard/values.yaml");
  EXPECT_NE(values.find(fmt::format("digest: \"{}\"", kDigest)), std::string::npos) << values;
  EXPECT_EQ(sh(fmt::format("grep -rq -- {} '{}'", kPlaceholder, out_dir)), 1) << "no placeholder left";
  // The tree itself keeps its placeholder: a release writes elsewhere.
  EXPECT_NE(slurp(fs::path(KG_SOURCE_DIR) / "deploy/30-deployment.yaml").find(kPlaceholder), std::string::npos);

  // Another registry: the repository changes with the digest.
  ASSERT_EQ(
      sh(release(fmt::format("--no-plugin --digest {} --repository registry.example:5000/sec/kubeguard --out '{}'",
                             kDigest, out_dir)),
         &out),
      0)
      << out;
  for (const auto& line : image_lines(fs::path(out_dir) / "deploy")) {
    EXPECT_NE(line.find("registry.example:5000/sec/kubeguard:"), std::string::npos) << line;
  }
  EXPECT_NE(
      slurp(fs::path(out_dir) / "charts/kubeguard/values.yaml").find("repository: registry.example:5000/sec/kubeguard"),
      std::string::npos);
}

TEST(Release, RefusesThePlaceholderAndWhatIsNoDigest) {
  TempTree tree;
  std::string out;
  for (std::string digest : {std::string(kPlaceholder), std::string("sha256:abc"), std::string("latest")}) {
    EXPECT_EQ(sh(release(fmt::format("--no-plugin --digest '{}' --out '{}'", digest, tree.path("r"))), &out), 1)
        << digest << out;
  }
  EXPECT_EQ(
      sh(release(fmt::format("--no-plugin --digest {} --repository 'Bad Repo' --out '{}'", kDigest, tree.path("r"))),
         &out),
      1)
      << out;
}

// What the project ships, as it stands in the tree: the webhook's manifests
// clean at the strictest (restricted, every severity), the node agent's at
// high (it reads the host by design, docs/NODE.md).
TEST(Release, ShippedManifestsScanCleanAtTheStrictest) {
  TempTree tree;
  std::string config = tree.write("strict.yaml", "failOn: info\n");
  std::string deploy = std::string(KG_SOURCE_DIR) + "/deploy";
  std::string out;
  EXPECT_EQ(sh(fmt::format("'{}' scan {}/*.yaml {}/monitoring --config {} --pss restricted --fail-on info", KG_BINARY,
                           deploy, deploy, config),
               &out),
            0)
      << out;
  EXPECT_NE(out.find(" 0 findings"), std::string::npos) << out;
  EXPECT_EQ(sh(fmt::format("'{}' scan {}/node --config {} --fail-on high -q", KG_BINARY, deploy, config), &out), 0)
      << out;
}

// What krew checks before it installs a plugin from a manifest
// (sigs.k8s.io/krew internal/index/validation.ValidatePlugin and
// validatePlatform), and, stricter than krew, no field it does not know (krew
// ignores a misspelt one, which then does nothing). One message per problem.
std::vector<std::string> krew_problems(const doc::Node& plugin, const std::string& file_name) {
  std::vector<std::string> problems;
  auto text = [](const doc::Node* n) { return n != nullptr && n->is_scalar() ? std::string(n->str()) : std::string(); };
  auto only = [&](const doc::Node* n, const std::set<std::string>& known, const std::string& where) {
    if (n == nullptr || !n->is_mapping()) return problems.push_back(where + " is not a mapping");
    for (const auto& e : n->entries()) {
      if (!known.contains(e.key)) problems.push_back(where + " has a field krew does not know: " + e.key);
    }
  };
  only(&plugin, {"apiVersion", "kind", "metadata", "spec"}, "the manifest");
  if (text(plugin.get("apiVersion")) != "krew.googlecontainertools.github.com/v1alpha2") {
    problems.push_back("apiVersion is not krew.googlecontainertools.github.com/v1alpha2");
  }
  if (text(plugin.get("kind")) != "Plugin") problems.push_back("kind is not Plugin");
  std::string name = text(plugin.find({"metadata", "name"}));
  static const std::regex safe_name("^[A-Za-z0-9_-]+$");
  if (!std::regex_match(name, safe_name)) problems.push_back("metadata.name '" + name + "' is not a safe plugin name");
  static const std::regex windows_reserved("^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])$", std::regex::icase);
  if (std::regex_match(name, windows_reserved)) problems.push_back("metadata.name is a reserved Windows file name");
  if (name + ".yaml" != file_name) problems.push_back("metadata.name does not match the file name " + file_name);
  const doc::Node* spec = plugin.get("spec");
  only(spec, {"version", "shortDescription", "description", "caveats", "homepage", "platforms"}, "spec");
  if (spec == nullptr) return problems;
  std::string short_description = text(spec->get("shortDescription"));
  if (short_description.empty()) problems.push_back("spec.shortDescription is empty");
  if (short_description.find_first_of("\r\n") != std::string::npos) {
    problems.push_back("spec.shortDescription has a line break");
  }
  // krew's semver.Parse: a leading v, then Kubernetes' ParseSemantic.
  static const std::regex semver(
      R"(^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$)");
  if (!std::regex_match(text(spec->get("version")), semver)) {
    problems.push_back("spec.version '" + text(spec->get("version")) + "' is not vMAJOR.MINOR.PATCH");
  }
  const doc::Node* platforms = spec->get("platforms");
  if (platforms == nullptr || !platforms->is_sequence() || platforms->items().empty()) {
    problems.push_back("spec.platforms is empty");
    return problems;
  }
  static const std::regex sha256("^[a-f0-9]{64}$");
  for (size_t i = 0; i < platforms->items().size(); ++i) {
    const doc::Node& p = platforms->items()[i];
    std::string where = "spec.platforms[" + std::to_string(i) + "]";
    only(&p, {"uri", "sha256", "selector", "files", "license", "bin"}, where);
    if (text(p.get("uri")).empty()) problems.push_back(where + ".uri is empty");
    if (!std::regex_match(text(p.get("sha256")), sha256)) problems.push_back(where + ".sha256 is no sha256");
    if (text(p.get("bin")).empty()) problems.push_back(where + ".bin is empty");
    if (const doc::Node* files = p.get("files"); files != nullptr) {
      if (!files->is_sequence() || files->items().empty()) problems.push_back(where + ".files is given but empty");
      for (const auto& f : files->items()) {
        only(&f, {"from", "to"}, where + ".files[]");
        if (text(f.get("from")).empty() || text(f.get("to")).empty()) {
          problems.push_back(where + ".files[] needs from and to");
        }
      }
    }
    const doc::Node* selector = p.get("selector");
    if (selector == nullptr || !selector->is_mapping()) {
      problems.push_back(where + ".selector is missing");
      continue;
    }
    only(selector, {"matchLabels", "matchExpressions"}, where + ".selector");
    const doc::Node* labels = selector->get("matchLabels");
    if (labels == nullptr || !labels->is_mapping() || labels->size() == 0) {
      problems.push_back(where + ".selector.matchLabels is empty");
      continue;
    }
    for (const auto& e : labels->entries()) {
      if (e.key != "os" && e.key != "arch") problems.push_back(where + ".selector: key " + e.key + " not supported");
    }
  }
  return problems;
}

std::optional<doc::Node> load_yaml(const std::string& text, const std::string& name) {
  std::optional<doc::Node> root;
  doc::load_text(
      text, name, [&](doc::Document&& d) { root.emplace(std::move(d.root)); },
      [&](doc::LoadError&& e) { ADD_FAILURE() << doc::format_error(e); });
  return root;
}

// The binary the plugin archive holds: this build's, unless it is a
// sanitizer build (400 MB), when the release build beside it stands in.
std::string plugin_binary() {
  bool sanitized = sh(fmt::format("ldd '{}' | grep -q libasan", KG_BINARY)) == 0;
  std::string release_build = std::string(KG_SOURCE_DIR) + "/build/kubeguard";
  return sanitized && fs::exists(release_build) ? release_build : std::string(KG_BINARY);
}

TEST(Release, KubectlPluginArchiveAndItsKrewManifest) {
  TempTree tree;
  std::string out_dir = tree.path("release");
  std::string binary = plugin_binary();
  std::string out;
  ASSERT_EQ(
      sh(release(fmt::format("--digest {} --binary '{}' --download-url https://downloads.example/kg/v{} --out '{}'",
                             kDigest, binary, KG_VERSION, out_dir)),
         &out),
      0)
      << out;
  std::string version = std::string("v") + KG_VERSION;
  std::string archive_name = "kubeguard-" + version + "-linux-amd64.tar.gz";
  std::string archive = out_dir + "/" + archive_name;
  ASSERT_TRUE(fs::exists(archive)) << out;
  std::string manifest_text = slurp(fs::path(out_dir) / "krew/kubeguard.yaml");
  auto manifest = load_yaml(manifest_text, "kubeguard.yaml");
  ASSERT_TRUE(manifest.has_value());
  EXPECT_EQ(krew_problems(*manifest, "kubeguard.yaml"), std::vector<std::string>{}) << manifest_text;
  EXPECT_EQ(manifest->find({"spec", "version"})->str(), version);
  const doc::Node* platforms = manifest->find({"spec", "platforms"});
  ASSERT_NE(platforms, nullptr);
  ASSERT_EQ(platforms->items().size(), 1u);
  const doc::Node& platform = platforms->items()[0];
  std::string sha;
  ASSERT_EQ(sh(fmt::format("sha256sum '{}' | cut -d' ' -f1", archive), &sha), 0);
  sha.pop_back();
  EXPECT_EQ(platform.get("sha256")->str(), sha);
  EXPECT_EQ(platform.get("uri")->str(), "https://downloads.example/kg/" + version + "/" + archive_name);
  EXPECT_EQ(platform.find({"selector", "matchLabels", "os"})->str(), "linux");
  EXPECT_EQ(platform.find({"selector", "matchLabels", "arch"})->str(), "amd64");

  // Installed as krew installs it: the archive unpacked, each files entry
  // copied (from, relative to the archive; to, relative to the plugin's
  // directory), bin linked as kubectl-<name> on PATH. kubectl then runs it.
  std::string unpacked = tree.dir("unpacked");
  std::string installed = tree.dir("krew/store/kubeguard/" + version);
  std::string bin_dir = tree.dir("krew/bin");
  ASSERT_EQ(sh(fmt::format("tar -xzf '{}' -C '{}'", archive, unpacked)), 0);
  for (const auto& f : platform.get("files")->items()) {
    ASSERT_EQ(sh(fmt::format("cp -p '{}/{}' '{}/{}'", unpacked, f.get("from")->str(), installed, f.get("to")->str())),
              0);
  }
  std::string bin = installed + "/" + std::string(platform.get("bin")->str());
  ASSERT_EQ(sh(fmt::format("ln -s '{}' '{}/kubectl-kubeguard'", bin, bin_dir)), 0);
  EXPECT_EQ(sh(fmt::format("'{}/kubectl-kubeguard' version", bin_dir), &out), 0) << out;
  EXPECT_EQ(out, fmt::format("kubeguard {}\n", KG_VERSION));
  if (sh("command -v kubectl >/dev/null") == 0) {
    EXPECT_EQ(sh(fmt::format("PATH='{}':$PATH kubectl kubeguard version", bin_dir), &out), 0) << out;
    EXPECT_EQ(out, fmt::format("kubeguard {}\n", KG_VERSION));
  }

  // The same binary makes the same archive: the checksum a krew index
  // publishes does not move between two runs.
  std::string again = tree.path("again");
  ASSERT_EQ(sh(release(fmt::format("--digest {} --binary '{}' --out '{}'", kDigest, binary, again)), &out), 0) << out;
  EXPECT_EQ(slurp(fs::path(again) / archive_name), slurp(archive));
}

// The checks themselves catch what krew refuses.
TEST(Release, KrewChecksRefuseWhatKrewRefuses) {
  const std::string good =
      "apiVersion: krew.googlecontainertools.github.com/v1alpha2\nkind: Plugin\nmetadata: {name: kubeguard}\n"
      "spec:\n  version: v0.1.0\n  shortDescription: s\n  platforms:\n  - selector: {matchLabels: {os: linux}}\n"
      "    uri: https://x/a.tar.gz\n    sha256: " +
      std::string(64, 'a') + "\n    bin: kubectl-kubeguard\n";
  EXPECT_EQ(krew_problems(*load_yaml(good, "g"), "kubeguard.yaml"), std::vector<std::string>{});
  auto problems_of = [&](std::string from, std::string to) {
    std::string text = good;
    text.replace(text.find(from), from.size(), to);
    return krew_problems(*load_yaml(text, "b"), "kubeguard.yaml").size();
  };
  EXPECT_EQ(problems_of("v1alpha2", "v1alpha1"), 1u);
  EXPECT_EQ(problems_of("version: v0.1.0", "version: 0.1.0"), 1u);
  EXPECT_EQ(problems_of("shortDescription: s", "shortDescription: \"\""), 1u);
  EXPECT_EQ(problems_of(std::string(64, 'a'), std::string(64, 'A')), 1u);
  EXPECT_EQ(problems_of("os: linux", "distro: debian"), 1u);
  EXPECT_EQ(problems_of("bin: kubectl-kubeguard", "binary: kubectl-kubeguard"), 2u);  // unknown, and bin empty
  EXPECT_EQ(problems_of("name: kubeguard", "name: kube.guard"), 2u);                  // unsafe, and not the file's
  EXPECT_EQ(krew_problems(*load_yaml(good, "g"), "other.yaml").size(), 1u);
}

// The chart as the real helm renders it (scripts/helm.sh; the end-to-end step
// has it): pinned to the release digest and clean at the strictest; a chart
// that renders a privileged container stops the release. Named Live*: helm is
// built beside the control plane, for the end-to-end step.
TEST(LiveRelease, ChartRenderedByHelmIsPinnedAndScansClean) {
  std::string helm;
  if (live_detail::run(fmt::format("bash '{}/scripts/helm.sh' path 2>/dev/null", KG_SOURCE_DIR), &helm) != 0) {
    GTEST_SKIP() << "needs helm (scripts/helm.sh build)";
  }
  while (!helm.empty() && helm.back() == '\n') helm.pop_back();
  std::string path = "PATH='" + fs::path(helm).parent_path().string() + "':$PATH ";
  TempTree tree;
  std::string out_dir = tree.path("release");
  std::string out;
  ASSERT_EQ(sh(path + release(fmt::format("--no-plugin --digest {} --out '{}'", kDigest, out_dir)), &out), 0) << out;
  fs::path rendered = fs::path(out_dir) / "chart-rendered.yaml";
  ASSERT_TRUE(fs::exists(rendered)) << "helm rendered the chart: " << out;
  std::string text = slurp(rendered);
  EXPECT_NE(text.find("# Source: kubeguard/templates/deployment.yaml"), std::string::npos) << "helm's own output";
  EXPECT_EQ(text.find(kPlaceholder), std::string::npos);
  size_t images = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("image: ") == std::string::npos) continue;
    ++images;
    EXPECT_NE(line.find(std::string("ghcr.io/kubeguard/kubeguard:") + KG_VERSION + "@" + std::string(kDigest)),
              std::string::npos)
        << line;
  }
  EXPECT_GE(images, 1u);
  // The same rendering, scanned here at the strictest: every rule, restricted, info and up.
  std::string config = tree.write("strict.yaml", "failOn: info\n");
  EXPECT_EQ(sh(fmt::format("'{}' scan '{}' --config '{}' --pss restricted --fail-on info", KG_BINARY, rendered.string(),
                           config),
               &out),
            0)
      << out;
  EXPECT_NE(out.find(" 0 findings"), std::string::npos) << out;

  // A copy of the project whose chart renders a privileged container: the release stops.
  std::string copy = tree.dir("project");
  for (const char* part : {"scripts", "deploy", "charts", "CMakeLists.txt"}) {
    fs::copy(fs::path(KG_SOURCE_DIR) / part, fs::path(copy) / part, fs::copy_options::recursive);
  }
  ASSERT_EQ(
      sh(fmt::format("sed -i 's/privileged: false/privileged: true/' '{}/charts/kubeguard/templates/deployment.yaml'",
                     copy)),
      0);
  EXPECT_EQ(sh(path + fmt::format("KUBEGUARD='{}' bash '{}/scripts/release.sh' --no-plugin --digest {} --out '{}'",
                                  KG_BINARY, copy, kDigest, tree.path("bad")),
               &out),
            1)
      << out;
  EXPECT_NE(out.find("rendered chart is not clean"), std::string::npos) << out;
}

// The real krew (scripts/krew.sh builds it from sigs.k8s.io/krew) installs
// the release's plugin from its manifest and archive, offline, as a user
// would before the manifest reaches a krew index; kubectl then runs it. A
// manifest whose checksum is not the archive's is refused. Named Live*:
// krew is built beside the control plane, for the end-to-end step.
TEST(LiveKrew, InstallsTheReleasePluginFromItsManifest) {
  std::string krew;
  if (live_detail::run(fmt::format("bash '{}/scripts/krew.sh' path 2>/dev/null", KG_SOURCE_DIR), &krew) != 0) {
    GTEST_SKIP() << "needs krew (scripts/krew.sh build)";
  }
  while (!krew.empty() && krew.back() == '\n') krew.pop_back();
  TempTree tree;
  std::string out_dir = tree.path("release");
  std::string out;
  ASSERT_EQ(sh(release(fmt::format("--digest {} --binary '{}' --out '{}'", kDigest, plugin_binary(), out_dir)), &out),
            0)
      << out;
  std::string version = std::string("v") + KG_VERSION;
  std::string manifest = out_dir + "/krew/kubeguard.yaml";
  std::string archive = out_dir + "/kubeguard-" + version + "-linux-amd64.tar.gz";
  std::string root = tree.dir("krew-root");
  std::string krew_env = "KREW_ROOT='" + root + "' ";
  ASSERT_EQ(
      sh(krew_env + fmt::format("'{}' install --manifest='{}' --archive='{}' </dev/null", krew, manifest, archive),
         &out),
      0)
      << out;
  EXPECT_NE(out.find("Installed plugin: kubeguard"), std::string::npos) << out;
  std::string plugin = root + "/bin/kubectl-kubeguard";
  EXPECT_EQ(sh(fmt::format("readlink '{}'", plugin), &out), 0) << out;
  EXPECT_NE(out.find("/store/kubeguard/" + version + "/kubectl-kubeguard"), std::string::npos) << out;
  EXPECT_EQ(sh("'" + plugin + "' version", &out), 0) << out;
  EXPECT_EQ(out, fmt::format("kubeguard {}\n", KG_VERSION));
  if (sh("command -v kubectl >/dev/null") == 0) {
    EXPECT_EQ(sh(fmt::format("PATH='{}/bin':$PATH kubectl kubeguard version", root), &out), 0) << out;
    EXPECT_EQ(out, fmt::format("kubeguard {}\n", KG_VERSION));
  }

  // The archive changed after the manifest was written: krew refuses it (a
  // krew root of its own: uninstalling would need krew's index, from the network).
  std::string other_root = tree.dir("krew-root-2");
  krew_env = "KREW_ROOT='" + other_root + "' ";
  plugin = other_root + "/bin/kubectl-kubeguard";
  std::string tampered = tree.path("tampered.tar.gz");
  ASSERT_EQ(sh(fmt::format("cp '{}' '{}' && printf x >>'{}'", archive, tampered, tampered)), 0);
  EXPECT_NE(
      sh(krew_env + fmt::format("'{}' install --manifest='{}' --archive='{}' </dev/null", krew, manifest, tampered),
         &out),
      0)
      << out;
  EXPECT_NE(out.find("checksum does not match"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(plugin));
}

}  // namespace
}  // namespace kg::testing
