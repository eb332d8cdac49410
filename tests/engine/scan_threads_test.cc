// The scanner's hand-off: one thread scans on the calling thread and streams
// findings document by document; more threads hand whole files on in input
// order. Whatever the thread count, the findings and their order are the same.
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/scanner.h"
#include "support/test_support.h"

namespace kg {
namespace {

struct Collected {
  std::vector<std::string> findings;  // rule, file, line, column, path: enough to tell two apart
  size_t batches = 0;
  engine::ScanResult result;
};

Collected scan_with(const std::vector<std::string>& inputs, unsigned threads) {
  Collected out;
  engine::ScanRequest request{inputs, threads};
  out.result = engine::scan(request, testing::catalog(), engine::Config{}, [&](std::span<const rules::Finding> batch) {
    ++out.batches;
    for (const auto& f : batch) {
      out.findings.push_back(f.rule_id + " " + f.file + ":" + std::to_string(f.mark.line) + ":" +
                             std::to_string(f.mark.column) + " " + f.path);
    }
  });
  return out;
}

TEST(ScanThreads, EveryThreadCountGivesTheSameFindingsInTheSameOrder) {
  // The real corpus: hundreds of files, a malformed one among them, RBAC and
  // NetworkPolicy objects for the cross-object rules.
  std::vector<std::string> inputs{testing::corpus("manifests")};
  Collected one = scan_with(inputs, 1);
  ASSERT_GT(one.findings.size(), 1000u);
  for (unsigned threads : {2u, 3u, 8u}) {
    Collected many = scan_with(inputs, threads);
    EXPECT_EQ(many.findings, one.findings) << threads << " threads";
    EXPECT_EQ(many.result.summary.objects, one.result.summary.objects);
    EXPECT_EQ(many.result.summary.by_severity, one.result.summary.by_severity);
    EXPECT_EQ(many.result.errors.size(), one.result.errors.size());
  }
}

TEST(ScanThreads, OneThreadStreamsALargeFileDocumentByDocument) {
  // One file of many documents: with one thread the sink hears of each
  // document's findings as it is scanned, not once for the whole file.
  std::string text;
  for (int i = 0; i < 50; ++i) {
    text += "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p" + std::to_string(i) +
            "\nspec:\n  containers:\n  - name: app\n    image: nginx\n---\n";
  }
  std::string file = ::testing::TempDir() + "kg-scan-threads-" + std::to_string(::getpid()) + ".yaml";
  {
    std::FILE* out = std::fopen(file.c_str(), "w");
    ASSERT_NE(out, nullptr);
    std::fwrite(text.data(), 1, text.size(), out);
    std::fclose(out);
  }
  Collected one = scan_with({file}, 1);
  std::remove(file.c_str());
  EXPECT_EQ(one.result.summary.objects, 50u);
  EXPECT_GE(one.batches, 50u);  // at least one batch per pod, then the cross-object rules'
}

}  // namespace
}  // namespace kg
