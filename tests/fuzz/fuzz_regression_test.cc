// Every input kept under tests/data/fuzz-regressions/<target>/ (what the
// fuzzers found, and the hostile inputs they were seeded with) replayed
// through the fuzz targets' own bodies in the normal build: a crash, a
// sanitizer report (in the ASan build) or a trap fails the suite.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fuzz/targets.h"
#include "support/test_support.h"

namespace kg {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> inputs_of(const std::string& target) {
  std::vector<std::string> out;
  fs::path dir = fs::path(testing::source("tests/data/fuzz-regressions")) / target;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void replay(const std::string& target, const std::function<void(std::string_view)>& body) {
  std::vector<std::string> inputs = inputs_of(target);
  ASSERT_FALSE(inputs.empty()) << "no regression inputs for " << target;
  for (const auto& path : inputs) {
    SCOPED_TRACE(path);
    std::string text = testing::read_file(path);
    auto start = std::chrono::steady_clock::now();
    body(text);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 10.0) << "hang guard";
  }
}

TEST(FuzzRegressions, ScanStream) { replay("scan_stream", fuzz::scan_stream_one); }
TEST(FuzzRegressions, Audit) { replay("audit", fuzz::audit_one); }
TEST(FuzzRegressions, Diff) { replay("diff", fuzz::diff_one); }
TEST(FuzzRegressions, Admission) { replay("admission", fuzz::admission_one); }

}  // namespace
}  // namespace kg
