// kubeguard reads YAML as the real kubectl does (docs/YAML.md): generated
// variants (tests/doc/yaml_variants.py) and every disagreement ever found
// (tests/doc/data/kubectl/) go through kubectl v1.33 and through
// `kubeguard convert`'s code; any difference in the objects (printed with
// -o json and with -o yaml), or in which files kubectl refuses something
// in, fails the test.
//
// kubectl runs once for all files, client-side only: `kubectl patch --local
// --type merge -p '{}' -o json -f DIR` prints every object it read,
// unchanged (an empty merge patch), without asking a server. It stops
// reading a file at a document it cannot parse and goes on with the next
// file, so each file starts with a marker object to find where its objects
// begin.
//
// Runs with the end-to-end tests (KG_CLUSTER_E2E=1, kubectl on PATH or in
// the control plane cache). KG_DIFF_SEED and KG_DIFF_DOCS change the seed
// (default 1) and the number of generated documents (default 10000).
// Disagreements are written to $TMPDIR/kubectl-disagreements/ to be kept
// as regression cases.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "k8s/convert.h"

namespace kg {
namespace {

namespace fs = std::filesystem;

int shell(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The kubectl the control plane script builds (v1.33.13) before any other
// on PATH: another release reads some files differently (v1.32 does not go
// on as YAML after JSON).
std::string find_kubectl() {
  if (const char* env = std::getenv("KG_KUBECTL")) return env;
  const char* home = std::getenv("HOME");
  if (home != nullptr) {
    fs::path cached = fs::path(home) / ".cache/kubeguard/controlplane/v1.33.13/bin/kubectl";
    if (fs::exists(cached)) return cached.string();
  }
  if (shell("command -v kubectl >/dev/null 2>&1") == 0) return "kubectl";
  return {};
}

// The objects kubectl printed: each `-o json` object starts with a line "{"
// and ends with a line "}".
std::vector<std::string> split_objects(const std::string& out) {
  std::vector<std::string> objects;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find("\n}\n", pos);
    if (end == std::string::npos) {
      objects.push_back(out.substr(pos));
      break;
    }
    objects.push_back(out.substr(pos, end + 3 - pos));
    pos = end + 3;
  }
  return objects;
}

std::string marker_name(const fs::path& file) { return file.stem().string(); }

std::string marker_json(const std::string& name) {
  return fmt::format(
      "{{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"ConfigMap\",\n    \"metadata\": {{\n        \"name\": "
      "\"{}\"\n    }}\n}}\n",
      name);
}

struct Side {
  std::vector<std::string> objects;
  bool error = false;
};

// kubeguard's reading of one file as `kubectl -o json` (or -o yaml) prints it,
// up to where kubectl stops reading the file; `marker`: leave out the first
// object.
Side convert_side(const fs::path& f, bool yaml, bool marker) {
  Side side;
  bool stopped = false;
  bool first = marker;
  k8s::ConvertSinks sinks{[&](std::string&& text) {
                            if (stopped) return;
                            if (first) {
                              first = false;
                              return;
                            }
                            side.objects.push_back(std::move(text));
                          },
                          [&](doc::LoadError&&, bool stops_file) {
                            side.error = true;
                            stopped = stopped || stops_file;
                          }};
  sinks.yaml = yaml;
  k8s::convert_input(f.string(), sinks);
  return side;
}

TEST(KubectlDifferentialE2E, GeneratedDocumentsReadAsKubectlReadsThem) {
  const char* e2e = std::getenv("KG_CLUSTER_E2E");
  if (e2e == nullptr || std::string(e2e) != "1") GTEST_SKIP() << "set KG_CLUSTER_E2E=1 (needs kubectl)";
  std::string kubectl = find_kubectl();
  ASSERT_FALSE(kubectl.empty()) << "no kubectl on PATH or in the control plane cache";

  int seed = 1;
  if (const char* s = std::getenv("KG_DIFF_SEED")) seed = std::atoi(s);
  int docs = 10000;
  if (const char* s = std::getenv("KG_DIFF_DOCS")) docs = std::atoi(s);

  fs::path dir = fs::path(::testing::TempDir()) / fmt::format("kg-kubectl-diff-{}", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir / "in");
  std::string source = KG_SOURCE_DIR;
  ASSERT_EQ(shell(fmt::format("python3 '{}/tests/doc/yaml_variants.py' --seed {} --docs {} --out '{}' >/dev/null",
                              source, seed, docs, (dir / "in").string())),
            0);
  // Every disagreement found so far, behind a marker of its own (files kubectl
  // reads as JSON are compared one by one below: a marker would change them).
  int regressions = 0;
  std::vector<fs::path> json_regressions;
  for (const auto& entry : fs::directory_iterator(source + "/tests/doc/data/kubectl")) {
    if (entry.path().extension() == ".json") json_regressions.push_back(entry.path());
    if (entry.path().extension() != ".yaml") continue;
    std::string name = "reg-" + entry.path().stem().string();
    std::ofstream out(dir / "in" / (name + ".yaml"), std::ios::binary);
    out << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " << name << "\n---\n" << read_file(entry.path());
    ++regressions;
  }
  EXPECT_GT(regressions, 0);

  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir / "in")) files.push_back(entry.path());
  std::sort(files.begin(), files.end());

  // kubectl, once for every file.
  std::string out_file = (dir / "kubectl.out").string();
  std::string err_file = (dir / "kubectl.err").string();
  shell(fmt::format("'{}' patch --local --type merge -p '{{}}' -o json -f '{}' >'{}' 2>'{}' </dev/null", kubectl,
                    (dir / "in").string(), out_file, err_file));
  std::string kubectl_err = read_file(err_file);
  std::vector<std::string> printed = split_objects(read_file(out_file));

  std::map<std::string, Side> theirs;
  std::string current;
  for (auto& object : printed) {
    bool is_marker = false;
    if (object.find("\"name\": \"case-") != std::string::npos || object.find("\"name\": \"reg-") != std::string::npos) {
      // A marker object is exactly the marker's JSON.
      size_t at = object.find("\"name\": \"");
      std::string name = object.substr(at + 9, object.find('"', at + 9) - at - 9);
      if (object == marker_json(name)) {
        current = name;
        theirs[current];
        is_marker = true;
      }
    }
    if (!is_marker) theirs[current].objects.push_back(std::move(object));
  }
  for (const auto& f : files) {
    if (kubectl_err.find(f.filename().string()) != std::string::npos) theirs[marker_name(f)].error = true;
  }

  // kubeguard, file by file, up to where kubectl stops reading the file.
  std::map<std::string, Side> ours;
  for (const auto& f : files) ours[marker_name(f)] = convert_side(f, false, true);

  fs::path keep = fs::path(::testing::TempDir()) / "kubectl-disagreements";
  int differences = 0;
  int generated_docs = 0;
  for (const auto& f : files) {
    std::string name = marker_name(f);
    Side& a = theirs[name];
    const Side& b = ours[name];
    generated_docs += static_cast<int>(a.objects.size());
    if (a.objects == b.objects && a.error == b.error) continue;
    if (a.error != b.error) {
      // Some of kubectl's messages do not name the file: ask it about this
      // file alone.
      a.error =
          shell(fmt::format("'{}' patch --local --type merge -p '{{}}' -o json -f '{}' >/dev/null 2>&1 </dev/null",
                            kubectl, f.string())) != 0;
      if (a.objects == b.objects && a.error == b.error) continue;
    }
    ++differences;
    fs::create_directories(keep);
    fs::copy_file(f, keep / f.filename(), fs::copy_options::overwrite_existing);
    if (differences > 10) continue;
    std::string detail;
    size_t n = std::max(a.objects.size(), b.objects.size());
    for (size_t i = 0; i < n; ++i) {
      std::string x = i < a.objects.size() ? a.objects[i] : "(none)\n";
      std::string y = i < b.objects.size() ? b.objects[i] : "(none)\n";
      if (x != y) {
        detail = fmt::format("object {}:\n--- kubectl\n{}--- kubeguard\n{}", i, x, y);
        break;
      }
    }
    ADD_FAILURE() << f.filename().string() << ": kubectl " << a.objects.size() << " objects"
                  << (a.error ? " and an error" : "") << ", kubeguard " << b.objects.size() << " objects"
                  << (b.error ? " and an error" : "") << " (copied to " << keep.string() << ")\n"
                  << detail;
  }
  EXPECT_EQ(differences, 0) << "kubectl's errors:\n" << kubectl_err.substr(0, 4000);

  // The same files as -o yaml: kubectl prints each object alone (no ---), so
  // a file's objects are the text between its marker and the next.
  shell(fmt::format("'{}' patch --local --type merge -p '{{}}' -o yaml -f '{}' >'{}' 2>/dev/null </dev/null", kubectl,
                    (dir / "in").string(), out_file));
  std::string yaml_out = read_file(out_file);
  std::map<std::string, std::string> their_yaml;
  std::vector<std::pair<size_t, std::string>> starts;  // where each marker begins, and whose
  for (const auto& f : files) {
    std::string marker = fmt::format("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\n", marker_name(f));
    for (size_t at = yaml_out.find(marker); at != std::string::npos; at = yaml_out.find(marker, at + 1)) {
      if (at == 0 || yaml_out[at - 1] == '\n') {
        starts.emplace_back(at, marker_name(f));
        break;
      }
    }
  }
  std::sort(starts.begin(), starts.end());
  for (size_t i = 0; i < starts.size(); ++i) {
    size_t from = starts[i].first +
                  fmt::format("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\n", starts[i].second).size();
    size_t to = i + 1 < starts.size() ? starts[i + 1].first : yaml_out.size();
    their_yaml[starts[i].second] = yaml_out.substr(from, to - from);
  }
  int yaml_differences = 0;
  int yaml_compared = 0;
  for (const auto& f : files) {
    std::string name = marker_name(f);
    if (!their_yaml.contains(name)) continue;  // kubectl printed nothing of it (its marker failed)
    Side mine = convert_side(f, true, true);
    std::string ours_text;
    for (const auto& o : mine.objects) ours_text += o;
    ++yaml_compared;
    if (ours_text == their_yaml[name]) continue;
    ++yaml_differences;
    fs::create_directories(keep);
    fs::copy_file(f, keep / f.filename(), fs::copy_options::overwrite_existing);
    if (yaml_differences > 10) continue;
    size_t at = 0;
    while (at < ours_text.size() && at < their_yaml[name].size() && ours_text[at] == their_yaml[name][at]) ++at;
    size_t line = ours_text.rfind('\n', at == 0 ? 0 : at - 1);
    line = line == std::string::npos ? 0 : line + 1;
    ADD_FAILURE() << f.filename().string() << ": -o yaml differs at byte " << at << "\n--- kubectl\n"
                  << their_yaml[name].substr(line, 400) << "\n--- kubeguard\n"
                  << ours_text.substr(line, 400);
  }
  EXPECT_EQ(yaml_differences, 0);
  EXPECT_GT(yaml_compared, static_cast<int>(files.size()) / 2);

  // Regression cases kubectl reads as JSON, one kubectl run each.
  for (const auto& f : json_regressions) {
    std::string out = (dir / "one.out").string();
    int status =
        shell(fmt::format("'{}' patch --local --type merge -p '{{}}' -o json -f '{}' >'{}' 2>/dev/null </dev/null",
                          kubectl, f.string(), out));
    Side theirs_one;
    std::string printed_one = read_file(out);
    if (!printed_one.empty()) theirs_one.objects = split_objects(printed_one);
    theirs_one.error = status != 0;
    Side ours_one = convert_side(f, false, false);
    EXPECT_EQ(theirs_one.objects, ours_one.objects) << f;
    EXPECT_EQ(theirs_one.error, ours_one.error) << f;
    ++regressions;
  }
  std::cout << fmt::format("kubectl differential: seed {}, {} files, {} objects compared, {} regression cases\n", seed,
                           files.size(), generated_docs, regressions);
  EXPECT_GE(static_cast<int>(printed.size()), docs / 2) << "kubectl printed too little to compare";
  if (differences == 0) fs::remove_all(dir);
}

}  // namespace
}  // namespace kg
