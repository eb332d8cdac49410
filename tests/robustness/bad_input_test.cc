// Hostile and broken inputs: random bytes, cut-off YAML, empty and binary
// files, symlink loops, standard input. Each must end in an error or a clean
// result, through the library and through the binary, never in a crash or a
// hang (the binary runs under `timeout`, so a hang fails instead of blocking).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "doc/source.h"
#include "robustness/robustness_support.h"
#include "support/test_support.h"

namespace kg {
namespace {

namespace fs = std::filesystem;
using robustness::as_count;
using robustness::parse_report;
using robustness::shell_quote;

constexpr int kHangSeconds = 120;

// A fresh directory under the test temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::path(::testing::TempDir()) / "kg-robustness-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    const char* made = mkdtemp(buf.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  std::string write(const std::string& name, std::string_view content) const {
    fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return p.string();
  }

 private:
  fs::path path_;
};

engine::ScanResult scan_paths(const std::vector<std::string>& paths) {
  return engine::scan(engine::ScanRequest{paths, 1}, testing::catalog(), engine::Config{});
}

struct BinaryRun {
  int code = -1;
  std::string out;
  std::optional<doc::Node> report;
};

// The binary under `timeout`, so a hang is a failure (status 124) rather than a stuck test.
std::string run_with_timeout(const std::string& kubeguard_args) {
  return "timeout " + std::to_string(kHangSeconds) + " " + std::string(KG_BINARY) + " " + kubeguard_args;
}

// Runs a shell command; returns its exit status (-1 when it died of a signal) and its stdout.
int shell(const std::string& command, std::string* out) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::string text;
  char buffer[65536];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  int status = pclose(pipe);
  if (out != nullptr) *out = std::move(text);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs `kubeguard scan -f json ARGS`, bounded in time, with `stdin_file` on standard input.
BinaryRun scan_binary(const std::string& args, const std::string& stdin_file = "/dev/null") {
  BinaryRun run;
  run.code =
      shell(run_with_timeout("scan -f json " + args + " < " + shell_quote(stdin_file) + " 2>/dev/null"), &run.out);
  EXPECT_NE(run.code, 124) << "kubeguard scan " << args << " did not finish within " << kHangSeconds << "s";
  run.report = parse_report(run.out);
  return run;
}

std::string random_bytes(std::mt19937& rng, size_t size) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::string s(size, '\0');
  for (auto& c : s) c = static_cast<char>(byte(rng));
  return s;
}

const std::string kPod =
    "apiVersion: v1\n"
    "kind: Pod\n"
    "metadata:\n"
    "  name: web\n"
    "  namespace: shop\n"
    "spec:\n"
    "  containers:\n"
    "  - name: web\n"
    "    image: \"nginx:1.25\"\n"
    "    args: [\"--port\", \"8080\", \"--verbose\"]\n"
    "    securityContext: {privileged: true, runAsNonRoot: false}\n";

TEST(BadInput, RandomBytesAreErrorsNotCrashes) {
  TempDir dir;
  std::mt19937 rng(20240611);  // fixed: the same bytes on every run
  std::vector<std::string> files;
  for (size_t size : {1u, 7u, 64u, 512u, 4096u, 65536u, 1u << 20}) {
    files.push_back(dir.write("random-" + std::to_string(size) + ".yaml", random_bytes(rng, size)));
  }
  // Random bytes behind a valid prefix reach deeper into the parser.
  files.push_back(dir.write("prefixed.yaml", kPod + random_bytes(rng, 2048)));
  files.push_back(dir.write("prefixed.json", "{\"apiVersion\": \"v1\", \"kind\": " + random_bytes(rng, 2048)));

  engine::ScanResult r = scan_paths({dir.path().string()});
  EXPECT_EQ(r.summary.files, files.size());
  EXPECT_GE(r.errors.size(), files.size() - 2) << "nearly every random file is refused";
  for (const auto& e : r.errors) EXPECT_FALSE(e.message.empty()) << doc::format_error(e);

  BinaryRun run = scan_binary(shell_quote(dir.path().string()));
  EXPECT_EQ(run.code, 2);
  ASSERT_TRUE(run.report.has_value()) << run.out.substr(0, 400);
  EXPECT_EQ(as_count(run.report->find({"summary", "errors"})), r.errors.size());
}

TEST(BadInput, TruncatedYamlIsAnErrorWithAPosition) {
  TempDir dir;
  // Cut inside the flow sequence of line 10.
  std::string cut = kPod.substr(0, kPod.find("\"8080\"") + 3);
  std::string path = dir.write("cut.yaml", cut);
  engine::ScanResult r = scan_paths({path});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, doc::ErrorCode::YamlSyntax);
  EXPECT_EQ(r.errors[0].file, path);
  EXPECT_GE(r.errors[0].mark.line, 10u);
  EXPECT_GT(r.errors[0].mark.column, 0u);

  BinaryRun run = scan_binary(shell_quote(path));
  EXPECT_EQ(run.code, 2);
  ASSERT_TRUE(run.report.has_value());
  const doc::Node* errors = run.report->get("errors");
  ASSERT_NE(errors, nullptr);
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ(as_count(errors->items()[0].get("line")), r.errors[0].mark.line);
}

TEST(BadInput, CorpusFilesCutAtEveryFewBytesNeverCrash) {
  // Real manifests cut short at many points: each cut either parses (a cut
  // inside a plain scalar is still valid YAML) or is an error; both are fine.
  const std::vector<std::string> sources = {
      testing::corpus("manifests/linkerd2/inject/inject_emojivoto_deployment.golden.yml"),
      testing::corpus("manifests/istio/injected-sidecars/daemonset.injected.yaml"),
  };
  size_t cuts = 0;
  size_t refused = 0;
  for (const auto& source : sources) {
    std::string text = testing::read_file(source);
    if (text.empty()) continue;  // a file this corpus version does not have
    size_t step = std::max<size_t>(1, text.size() / 97);
    for (size_t n = 0; n < text.size(); n += step) {
      engine::ScanResult r = testing::scan_text(std::string_view(text).substr(0, n), {}, "cut.yaml");
      ++cuts;
      if (!r.errors.empty()) ++refused;
      for (const auto& e : r.errors) EXPECT_GT(e.mark.line, 0u) << doc::format_error(e);
    }
  }
  EXPECT_GT(cuts, 90u);
  EXPECT_GT(refused, 0u);
}

TEST(BadInput, EmptyFileIsNotACrash) {
  TempDir dir;
  std::string path = dir.write("empty.yaml", "");
  engine::ScanResult r = scan_paths({path});
  EXPECT_EQ(r.summary.files, 1u);
  EXPECT_EQ(r.summary.objects, 0u);
  EXPECT_TRUE(r.findings.empty());

  BinaryRun run = scan_binary(shell_quote(path));
  EXPECT_TRUE(run.code == 0 || run.code == 2) << run.code;
  ASSERT_TRUE(run.report.has_value());
  EXPECT_EQ(as_count(run.report->find({"summary", "objects"})), 0u);
  EXPECT_EQ(as_count(run.report->find({"summary", "errors"})), r.errors.size());
}

TEST(BadInput, BinaryFileWithYamlExtensionIsAnError) {
  TempDir dir;
  // An executable: NUL bytes, invalid UTF-8, a bit of everything.
  std::string elf = testing::read_file(KG_BINARY).substr(0, 256 * 1024);
  ASSERT_FALSE(elf.empty());
  std::string path = dir.write("program.yaml", elf);
  engine::ScanResult r = scan_paths({path});
  ASSERT_GE(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, path);

  BinaryRun run = scan_binary(shell_quote(path));
  EXPECT_EQ(run.code, 2);
  ASSERT_TRUE(run.report.has_value());
  EXPECT_GE(as_count(run.report->find({"summary", "errors"})), 1u);
}

TEST(BadInput, InvalidUtf8AndControlCharactersInValuesReachTheReportsIntact) {
  TempDir dir;
  // Quoted escapes produce control characters and a NUL inside a value; the
  // JSON report must still be valid JSON.
  std::string pod = kPod;
  pod.replace(pod.find("name: web\n"), 10, "name: \"w\\x00e\\x1b[31mb\\\"<&>\"\n");
  std::string path = dir.write("escapes.yaml", pod);
  BinaryRun run = scan_binary(shell_quote(path));
  EXPECT_TRUE(run.code == 0 || run.code == 1) << run.code;
  ASSERT_TRUE(run.report.has_value()) << run.out.substr(0, 400);
  for (const char* format : {"text", "sarif", "junit"}) {
    std::string out;
    int code = shell(run_with_timeout(std::string("scan -f ") + format + " " + shell_quote(path) + " 2>&1"), &out);
    EXPECT_TRUE(code == 0 || code == 1) << format << " exit " << code;
  }
}

TEST(BadInput, SymlinkLoopsEndAndTheRestIsScanned) {
  TempDir dir;
  std::string good = dir.write("tree/app/pod.yaml", kPod);
  fs::create_directory_symlink("..", dir.path() / "tree/app/up");  // a cycle through a directory link
  fs::create_directory_symlink(dir.path() / "tree", dir.path() / "tree/self");
  fs::create_symlink("loop-b.yaml", dir.path() / "tree/loop-a.yaml");  // a cycle between two file links
  fs::create_symlink("loop-a.yaml", dir.path() / "tree/loop-b.yaml");
  fs::create_symlink("missing.yaml", dir.path() / "tree/dangling.yaml");

  std::string tree = (dir.path() / "tree").string();
  engine::ScanResult r = scan_paths({tree});
  EXPECT_GE(r.summary.objects, 1u);
  bool scanned_good = false;
  for (const auto& f : r.findings) scanned_good = scanned_good || f.file.find("app/pod.yaml") != std::string::npos;
  EXPECT_TRUE(scanned_good);

  std::string out;
  int code = shell(run_with_timeout("scan -f json " + shell_quote(tree) + " 2>/dev/null </dev/null"), &out);
  EXPECT_NE(code, 124) << "the scan did not finish within " << kHangSeconds << "s";
  EXPECT_TRUE(code == 1 || code == 2) << code;
  auto report = parse_report(out);
  ASSERT_TRUE(report.has_value()) << out.substr(0, 400);
  EXPECT_GE(as_count(report->find({"summary", "objects"})), 1u);

  // Named explicitly, a looping link is an error, not a hang.
  engine::ScanResult direct = scan_paths({(dir.path() / "tree/loop-a.yaml").string()});
  EXPECT_EQ(direct.errors.size(), 1u);
  code = shell(run_with_timeout("scan " + shell_quote((dir.path() / "tree/loop-a.yaml").string()) +
                                " >/dev/null 2>&1 </dev/null"),
               nullptr);
  EXPECT_EQ(code, 2);
}

TEST(BadInput, DeeplyNestedAndHugeScalarsAreBounded) {
  TempDir dir;
  std::vector<std::string> files;
  files.push_back(dir.write("deep-flow.yaml", std::string(200000, '[')));
  std::string block;
  for (int i = 0; i < 2000; ++i) block += std::string(static_cast<size_t>(i), ' ') + "a:\n";
  files.push_back(dir.write("deep-block.yaml", block));
  files.push_back(dir.write("deep.json", std::string(200000, '[') + std::string(200000, ']')));
  // A billion-laughs style alias expansion.
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'k'; ++c, ++prev) {
    laughs += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) laughs += std::string(i ? ", *" : "*") + prev;
    laughs += "]\n";
  }
  files.push_back(dir.write("laughs.yaml", laughs));
  files.push_back(dir.write("long-scalar.yaml",
                            "kind: Pod\napiVersion: v1\nmetadata: {name: " + std::string(8 << 20, 'x') + "}\n"));

  engine::ScanResult r = scan_paths({dir.path().string()});
  EXPECT_EQ(r.summary.files, files.size());
  EXPECT_GE(r.errors.size(), 3u) << "deep nesting and alias bombs are refused";

  std::string out;
  int code =
      shell(run_with_timeout("scan -f json " + shell_quote(dir.path().string()) + " 2>/dev/null </dev/null"), &out);
  EXPECT_EQ(code, 2);
  auto report = parse_report(out);
  ASSERT_TRUE(report.has_value()) << out.substr(0, 400);
  EXPECT_EQ(as_count(report->find({"summary", "errors"})), r.errors.size());
}

TEST(BadInput, StandardInput) {
  TempDir dir;
  // YAML on standard input.
  std::string yaml = dir.write("in.yaml", kPod + "---\n" + kPod);
  BinaryRun run = scan_binary("-", yaml);
  EXPECT_EQ(run.code, 1) << "the privileged pod is a finding";
  ASSERT_TRUE(run.report.has_value()) << run.out.substr(0, 400);
  EXPECT_EQ(as_count(run.report->find({"summary", "objects"})), 2u);
  EXPECT_EQ(as_count(run.report->find({"summary", "files"})), 1u);
  const doc::Node* findings = run.report->get("findings");
  ASSERT_NE(findings, nullptr);
  ASSERT_GT(findings->size(), 0u);
  EXPECT_EQ(findings->items()[0].get("file")->str(), "-");

  // JSON on standard input, chosen by its first character.
  std::string json = dir.write("in.json",
                               R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"},
          "spec": {"containers": [{"name": "c", "image": "nginx", "securityContext": {"privileged": true}}]}})");
  run = scan_binary("-", json);
  EXPECT_EQ(run.code, 1);
  ASSERT_TRUE(run.report.has_value());
  EXPECT_EQ(as_count(run.report->find({"summary", "objects"})), 1u);

  // Nothing on standard input: no objects, no crash.
  run = scan_binary("-", "/dev/null");
  EXPECT_TRUE(run.code == 0 || run.code == 2) << run.code;
  ASSERT_TRUE(run.report.has_value());
  EXPECT_EQ(as_count(run.report->find({"summary", "objects"})), 0u);

  // Garbage on standard input is an error naming "-".
  std::mt19937 rng(7);
  std::string garbage = dir.write("garbage.bin", random_bytes(rng, 4096));
  run = scan_binary("-", garbage);
  EXPECT_EQ(run.code, 2);
  ASSERT_TRUE(run.report.has_value());
  const doc::Node* errors = run.report->get("errors");
  ASSERT_NE(errors, nullptr);
  ASSERT_GE(errors->size(), 1u);
  EXPECT_EQ(errors->items()[0].get("file")->str(), "-");

  // Standard input together with files.
  std::string file = dir.write("other.yaml", kPod);
  run = scan_binary("- " + shell_quote(file), yaml);
  ASSERT_TRUE(run.report.has_value());
  EXPECT_EQ(as_count(run.report->find({"summary", "objects"})), 3u);
}

}  // namespace
}  // namespace kg
