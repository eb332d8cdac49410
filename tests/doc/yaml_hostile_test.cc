// Manifests written to walk around the scanner or to exhaust it, through the
// binary: the five YAML forms that read differently to kubectl are findings
// for `scan` and `pss --level baseline`; an alias bomb counted in bytes, a
// 40,000-deep alias chain, a List of 100,000 pods and a pod with 200,000
// labels and annotations end with a bounded time and memory (GNU time
// reports the peak), and the file after a broken one is still scanned.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace kg {
namespace {

namespace fs = std::filesystem;

#if defined(__SANITIZE_ADDRESS__)
constexpr int kGuardSeconds = 120;  // sanitizers slow everything down
// ASan's shadow memory and its quarantine of freed blocks (256 MiB by
// default) make the resident peak say nothing about the program's own use;
// the release build checks the memory bounds.
constexpr bool kPeakIsMeaningful = false;
#else
constexpr int kGuardSeconds = 10;
constexpr bool kPeakIsMeaningful = true;
#endif
constexpr long kGuardKib = 1024L * 1024L;  // 1 GiB

struct BinaryRun {
  int code = -1;
  std::string out;
  std::string err;
  long peak_kib = -1;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

fs::path temp_dir() {
  fs::path dir = fs::path(::testing::TempDir()) / fmt::format("kg-yaml-hostile-{}", getpid());
  fs::create_directories(dir);
  return dir;
}

// `kubeguard ARGS` under `timeout`, with its peak memory from GNU time when
// that is installed.
BinaryRun kubeguard(const std::string& args, int seconds = kGuardSeconds) {
  fs::path dir = temp_dir();
  fs::path out = dir / "out", err = dir / "err", mem = dir / "mem";
  bool have_time = std::system("test -x /usr/bin/time") == 0;
  std::string command = fmt::format("{}timeout {} {} {} >'{}' 2>'{}'",
                                    have_time ? fmt::format("/usr/bin/time -f %M -o '{}' ", mem.string()) : "", seconds,
                                    KG_BINARY, args, out.string(), err.string());
  int status = std::system(command.c_str());
  BinaryRun run;
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = slurp(out);
  run.err = slurp(err);
  if (have_time) {
    // GNU time writes "Command exited with non-zero status N" before the figure.
    std::string m = slurp(mem);
    size_t last = m.find_last_of("0123456789");
    if (last != std::string::npos) {
      size_t first = m.find_last_not_of("0123456789", last);
      run.peak_kib = std::atol(m.substr(first == std::string::npos ? 0 : first + 1).c_str());
    }
  }
  return run;
}

std::string write(const std::string& name, const std::string& text) {
  fs::path p = temp_dir() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

std::string data(const std::string& name) { return std::string(KG_SOURCE_DIR) + "/tests/doc/data/kubectl/" + name; }

TEST(YamlHostile, FiveFormsThatReadDifferentlyToKubectlAreFindings) {
  for (const char* name : {"short-booleans.yaml", "merge-after-explicit-key.yaml", "anchor-redefined-inside.yaml",
                           "items-on-a-pod.yaml", "quoted-merge-key.yaml"}) {
    BinaryRun scan = kubeguard("scan -f json " + data(name));
    EXPECT_EQ(scan.code, 1) << name << "\n" << scan.err;
    EXPECT_NE(scan.out.find("\"KG-POD-001\""), std::string::npos) << name << " is not reported privileged";
    BinaryRun pss = kubeguard("pss --level baseline " + data(name));
    EXPECT_EQ(pss.code, 1) << name << "\n" << pss.out << pss.err;
    EXPECT_NE(pss.out.find("DENIED"), std::string::npos) << name;
    EXPECT_EQ(pss.out.find("ALLOWED"), std::string::npos) << name;
  }
}

TEST(YamlHostile, AliasBombCountedInBytesEndsAndTheNextFileIsScanned) {
  // 13 KB: a 4 KiB string aliased a million times (1,000 lists of 1,000).
  std::string text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  s: &s " +
                     std::string(4096, 'x') + "\n  l0: &l0 [*s";
  for (int i = 1; i < 1000; ++i) text += ", *s";
  text += "]\n  l1: &l1 [*l0";
  for (int i = 1; i < 1000; ++i) text += ", *l0";
  text += "]\n";
  std::string bomb = write("bomb.yaml", text);
  BinaryRun run = kubeguard("scan -f json " + bomb + " " + data("short-booleans.yaml"));
  EXPECT_EQ(run.code, 2) << run.err;
  EXPECT_NE(run.err.find("bomb.yaml:"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("aliases expand to more than"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find("short-booleans.yaml"), std::string::npos) << "the file after the bomb was not scanned";
  if (run.peak_kib >= 0) {
    EXPECT_LT(run.peak_kib, kGuardKib);
  }
}

TEST(YamlHostile, DeepAliasChainIsAnErrorForDiffAndScan) {
  std::string text = "a0: &a0 [x]\n";
  for (int i = 1; i < 40000; ++i) text += fmt::format("a{}: &a{} [*a{}]\n", i, i, i - 1);
  std::string chain = write("chain.yaml", text);
  BinaryRun diff = kubeguard("diff --baseline " + chain + " --live " + chain);
  EXPECT_EQ(diff.code, 2) << diff.err;
  EXPECT_NE((diff.out + diff.err).find("deeper than"), std::string::npos) << diff.out << diff.err;
  BinaryRun scan = kubeguard("scan " + chain);
  EXPECT_EQ(scan.code, 2) << scan.err;
}

TEST(YamlHostile, InvalidUtf8AndNulAreReportedWhereTheyAre) {
  std::string text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  k: ok\n  bad: x";
  text += '\xff';
  text += "\n";
  BinaryRun run = kubeguard("scan " + write("utf8.yaml", text));
  EXPECT_EQ(run.code, 2);
  EXPECT_NE((run.out + run.err).find("utf8.yaml:6:9:"), std::string::npos) << run.out << run.err;
  std::string nul = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  nul: x";
  nul += '\0';
  nul += "\n";
  run = kubeguard("scan " + write("nul.yaml", nul));
  EXPECT_EQ(run.code, 2);
  EXPECT_NE((run.out + run.err).find("nul.yaml:5:9:"), std::string::npos) << run.out << run.err;
}

TEST(YamlHostile, ListOfAHundredThousandPodsIsReadItemByItem) {
  std::string path = (temp_dir() / "biglist.yaml").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << "apiVersion: v1\nkind: List\nitems:\n";
    for (int i = 0; i < 100000; ++i) {
      out << "- apiVersion: v1\n  kind: Pod\n  metadata: {name: pod-" << i
          << ", namespace: shop}\n  spec:\n    containers:\n    - {name: web, image: \"nginx:1.25\"}\n";
    }
  }
  // Reading: memory stays far below the list's tree (item by item).
  BinaryRun convert = kubeguard("convert " + path + " -o json", 6 * kGuardSeconds);
  EXPECT_EQ(convert.code, 0) << convert.err;
  size_t pods = 0;
  for (size_t at = convert.out.find("\"kind\": \"Pod\""); at != std::string::npos;
       at = convert.out.find("\"kind\": \"Pod\"", at + 1)) {
    ++pods;
  }
  EXPECT_EQ(pods, 100000u);
  if (kPeakIsMeaningful && convert.peak_kib >= 0) {
    EXPECT_LT(convert.peak_kib, 256 * 1024) << "KiB at peak";
  }
  // Scanning: findings for 100,000 pods, bounded.
  BinaryRun scan = kubeguard("scan -f json -o /dev/null " + path, 12 * kGuardSeconds);
  EXPECT_TRUE(scan.code == 0 || scan.code == 1) << scan.err;
  if (kPeakIsMeaningful && scan.peak_kib >= 0) {
    EXPECT_LT(scan.peak_kib, kGuardKib) << "KiB at peak";
  }
}

// A pod whose metadata carries 100,000 labels and as many annotations (6 MB):
// kubectl's metadata types are checked in one pass (checking each key against
// the later duplicates took 34 s for 80,000 labels, and would take minutes
// here), and the privileged container is still found. About a second of CPU;
// the guard is doubled so that a loaded machine does not trip it.
TEST(YamlHostile, HundredsOfThousandsOfLabelsAreCheckedInLinearTime) {
  std::string path = (temp_dir() / "labels.yaml").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n";
    for (const char* field : {"labels", "annotations"}) {
      out << "  " << field << ":\n";
      for (int i = 0; i < 100000; ++i) out << "    example.com/k" << i << ": v" << i << "\n";
    }
    out << "spec:\n  containers:\n  - name: web\n    image: nginx:1.25\n    securityContext: {privileged: true}\n";
  }
  BinaryRun scan = kubeguard("scan " + path, 2 * kGuardSeconds);
  EXPECT_EQ(scan.code, 1) << scan.err;
  EXPECT_NE(scan.out.find("KG-POD-001"), std::string::npos) << scan.out;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A List past the 4 MiB at which items are handed on one by one, whose
// document fails after its last item: kubectl sends none of the items, so
// no finding may come from them. The file after it is still scanned.
TEST(YamlHostile, LargeListWithALateErrorSendsNoItem) {
  auto big_list = [](const std::string& name, const std::string& tail) {
    std::string path = (temp_dir() / name).string();
    std::ofstream out(path, std::ios::binary);
    out << "apiVersion: v1\nkind: List\nitems:\n";
    for (int i = 0; i < 40000; ++i) {
      out << "- apiVersion: v1\n  kind: Pod\n  metadata: {name: pod-" << i
          << ", namespace: shop}\n  spec:\n    containers:\n    - {name: web, image: \"nginx:1.25\", "
             "securityContext: {privileged: true}}\n";
    }
    out << tail;
    return path;
  };
  std::string after =
      write("after.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: after, namespace: shop}\nspec:\n  containers:\n"
            "  - {name: web, image: \"nginx:1.25\", securityContext: {privileged: true}}\n");
  // The list whole: every pod is a finding (the test can tell).
  std::string whole = big_list("whole.yaml", "");
  BinaryRun run = kubeguard("scan -f json " + whole + " " + after, 6 * kGuardSeconds);
  EXPECT_EQ(run.code, 1) << run.err;
  EXPECT_EQ(count(run.out, "\"rule\": \"KG-POD-001\""), 40001u);

  for (const std::string& tail : {std::string("  bad: [\n"),  // a syntax error
                                  std::string("- 5\n"),       // an item that is no object
                                  std::string("- {apiVersion: v1, kind: List, items: []}\n"),  // a list in the list
                                  std::string("metadata: {name: 5}\n")}) {  // the list's metadata types
    std::string broken = big_list("broken.yaml", tail);
    run = kubeguard("scan -f json " + broken + " " + after, 6 * kGuardSeconds);
    EXPECT_EQ(run.code, 2) << tail << run.err;
    EXPECT_EQ(count(run.out, "\"rule\": \"KG-POD-001\""), 1u) << tail << ": only the pod of the next file";
    EXPECT_NE(run.out.find("\"name\": \"after\""), std::string::npos) << tail;
    if (tail.starts_with("  bad")) {
      BinaryRun converted = kubeguard("convert -o json " + broken, 6 * kGuardSeconds);
      EXPECT_EQ(converted.code, 2) << tail;
      EXPECT_EQ(count(converted.out, "\"kind\": \"Pod\""), 0u) << tail;
    }
  }
}

}  // namespace
}  // namespace kg
