// Shared by the report tests: one scan with findings, suppressed findings and
// a malformed file; rendering; reading JSON back with the project's parser;
// and running external validators when the machine has them.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "doc/source.h"
#include "engine/scanner.h"
#include "report/report.h"
#include "support/test_support.h"

namespace kg::testing::report_fixture {

// A Deployment with a privileged container whose name holds a quote, a
// newline and a control character (YAML escapes), and a Pod whose findings
// are all suppressed by annotation.
inline constexpr std::string_view kManifests = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  template:
    spec:
      containers:
      - name: "a\"b\nc\x01d<&>"
        image: nginx:1.25
        securityContext:
          privileged: true
---
apiVersion: v1
kind: Pod
metadata:
  name: legacy
  namespace: dev
  annotations:
    kubeguard.io/ignore: "all"
    kubeguard.io/ignore-reason: "vendor \"X\" image, reviewed <2024>"
spec:
  containers:
  - name: c
    image: busybox
)";

inline constexpr std::string_view kMalformed = "apiVersion: v1\nkind: Pod\nmetadata: {name: [\n";

inline engine::ScanResult sample_scan() {
  engine::ScanResult result = scan_text(kManifests, {}, "manifests/app.yaml");
  engine::ScanResult broken = scan_text(kMalformed, {}, "manifests/broken.yaml");
  for (auto& e : broken.errors) result.errors.push_back(std::move(e));
  result.summary.files = 2;
  engine::summarize(result);
  return result;
}

inline std::string render(report::Format format, const engine::ScanResult& result, int exit_code = 0) {
  std::ostringstream out;
  report::ReportInput input{result, catalog(), rules::Severity::High, exit_code};
  report::write_report(format, input, out, false);
  return out.str();
}

// A JSON text parsed with the project's own loader; nullopt when it does not parse.
struct Json {
  doc::Document document;
  std::string error;
  const doc::Node& root() const { return document.root; }
};

inline std::optional<Json> parse_json(std::string_view text) {
  Json json;
  int documents = 0;
  doc::load_text(
      text, "report.json",
      [&](doc::Document&& d) {
        ++documents;
        json.document = std::move(d);
      },
      [&](doc::LoadError&& e) { json.error = doc::format_error(e); });
  if (!json.error.empty() || documents != 1) return std::nullopt;
  return json;
}

inline std::string str(const doc::Node* n) {
  if (n == nullptr) return "<missing>";
  auto s = n->as_string();
  return s ? std::string(*s) : "<not a string>";
}

// A directory of files for one test, removed with everything in it when the test ends.
class ScratchDir {
 public:
  ScratchDir()
      : dir_(std::filesystem::temp_directory_path() /
             ("kg-report-test-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::create_directories(dir_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string write(std::string_view name, std::string_view content) const {
    auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }

 private:
  std::filesystem::path dir_;
};

inline bool shell_ok(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

// The first Python that can import `module`: python3 on PATH (where pip
// installs), then Debian's /usr/bin/python3 (python3-jsonschema); "" when
// neither can.
inline std::string python_with(std::string_view module) {
  for (std::string python : {"python3", "/usr/bin/python3"}) {
    if (shell_ok(python + " -c 'import " + std::string(module) + "'")) return python;
  }
  return {};
}

// Where the SARIF 2.1.0 schema is: $KG_SARIF_SCHEMA, else the npm package
// @microsoft/sarif-multitool-linux under $KG_TOOLS_DIR (default /opt/kubeguard-tools).
inline std::string tools_dir() {
  const char* dir = std::getenv("KG_TOOLS_DIR");
  return dir != nullptr ? dir : "/opt/kubeguard-tools";
}
inline std::string multitool_package() { return tools_dir() + "/node_modules/@microsoft/sarif-multitool-linux"; }
inline std::string sarif_schema_path() {
  const char* path = std::getenv("KG_SARIF_SCHEMA");
  return path != nullptr ? path : multitool_package() + "/sarif-2.1.0.json";
}
inline std::string multitool_path() {
  const char* path = std::getenv("KG_SARIF_MULTITOOL");
  return path != nullptr ? path : multitool_package() + "/Sarif.Multitool";
}

}  // namespace kg::testing::report_fixture
