// Inputs named on the command line that are not manifests: a FIFO nobody
// writes to, a device that never ends (/dev/zero), a file beyond the size
// bound, standard input that never ends. Each is refused with an error that
// names it, the other inputs are still read, and the binary ends within the
// time guard (10 s) and under 1 GB with exit status 2.
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hostile/hostile_test_util.h"
#include "support/guarded_run.h"

namespace kg {
namespace {

using testing::GuardedIo;
using testing::GuardedRun;
using testing::run_guarded;
using testing::ScratchDir;
using testing::slurp;

constexpr long kMaxRssKb = 1024 * 1024 * testing::kSanitizerScale;  // 1 GB (the product)

const std::string kPrivilegedPod =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\n"
    "spec:\n  containers:\n  - name: web\n    image: nginx:1.25\n    securityContext: {privileged: true}\n";

void expect_bounded(const GuardedRun& run, const std::string& what) {
  EXPECT_FALSE(run.timed_out) << what << ": still running after the hang guard";
  EXPECT_LT(run.cpu_seconds, 10.0 * testing::kSanitizerScale) << what;
  EXPECT_EQ(run.signal, 0) << what << ": killed by signal " << run.signal;
  EXPECT_LT(run.max_rss_kb, kMaxRssKb) << what << ": peak memory " << run.max_rss_kb << " KB";
}

struct Fixture {
  ScratchDir dir;
  std::string good = dir.write("good.yaml", kPrivilegedPod);
  std::string fifo = dir.path("pipe.yaml");
  std::string out = dir.path("out.txt");
  std::string err = dir.path("err.txt");
  Fixture() { EXPECT_EQ(::mkfifo(fifo.c_str(), 0600), 0); }
  GuardedRun run(const std::vector<std::string>& args, const std::string& stdin_path = "/dev/null") const {
    return run_guarded(args, GuardedIo{stdin_path, out, err});
  }
};

TEST(HostileFiles, FifoAndDeviceAreRefusedByNameAndTheRestIsScanned) {
  Fixture f;
  for (const std::string& bad : {f.fifo, std::string("/dev/zero")}) {
    GuardedRun run = f.run({"scan", "-f", "json", bad, f.good});
    expect_bounded(run, "scan " + bad);
    EXPECT_EQ(run.code, 2) << slurp(f.err);
    std::string report = slurp(f.out);
    EXPECT_NE(report.find("KG-POD-001"), std::string::npos) << "the regular file after it is still scanned";
    std::string errors = slurp(f.err);
    EXPECT_NE(errors.find(bad), std::string::npos) << errors;
    EXPECT_NE(errors.find("only regular files are read"), std::string::npos) << errors;
  }
}

TEST(HostileFiles, EveryManifestFrontRefusesAFifo) {
  Fixture f;
  struct Case {
    std::vector<std::string> args;
  };
  const std::vector<Case> cases = {
      {{"pss", "--level", "baseline", f.fifo, f.good}},
      {{"diff", "--baseline", f.good, "--live", f.fifo}},
      {{"diff", "--baseline", f.fifo, "--live", f.good}},
      {{"rbac", f.fifo, f.good}},
      {{"audit", f.fifo}},
      {{"audit", "/dev/zero"}},
      {{"scan", "--config", "/dev/zero", f.good}},
  };
  for (const auto& c : cases) {
    GuardedRun run = f.run(c.args);
    std::string what;
    for (const auto& a : c.args) what += a + " ";
    expect_bounded(run, what);
    EXPECT_EQ(run.code, 2) << what << slurp(f.err);
    // The text report lists errors in the report itself; the other commands write them to standard error.
    std::string errors = slurp(f.err) + slurp(f.out);
    bool named = errors.find(f.fifo) != std::string::npos || errors.find("/dev/zero") != std::string::npos;
    EXPECT_TRUE(named) << what << ": " << errors;
  }
}

TEST(HostileFiles, AFileBeyondTheSizeBoundIsRefusedUnread) {
  Fixture f;
  // Sparse: 300 MB long, no disk used, never read.
  std::string big = f.dir.path("big.yaml");
  ASSERT_EQ(::truncate(f.dir.write("big.yaml", "").c_str(), off_t{300} << 20), 0);
  GuardedRun run = f.run({"scan", "-f", "json", big, f.good});
  expect_bounded(run, "scan big.yaml");
  EXPECT_EQ(run.code, 2);
  EXPECT_LT(run.max_rss_kb, 200 * 1024) << "the big file was read";
  std::string errors = slurp(f.err);
  EXPECT_NE(errors.find(big), std::string::npos) << errors;
  EXPECT_NE(errors.find("larger than 256 MiB"), std::string::npos) << errors;
  EXPECT_NE(slurp(f.out).find("KG-POD-001"), std::string::npos);
}

TEST(HostileFiles, EndlessStandardInputStopsAtTheBound) {
  Fixture f;
  GuardedRun run = f.run({"scan", "-f", "json", "-"}, "/dev/zero");
  expect_bounded(run, "scan - < /dev/zero");
  EXPECT_EQ(run.code, 2);
  std::string errors = slurp(f.err);
  EXPECT_NE(errors.find("standard input larger than 256 MiB"), std::string::npos) << errors;
}

// `diff` walks both trees (flattening, comparing): a chain of aliases that
// nests 40,000 deep (each `&a [*a]` inside the one before) ends in an error
// or a report, never a stack overflow.
TEST(HostileFiles, DiffOfADeepAliasChainEnds) {
  Fixture f;
  auto chain = [](int links) {
    std::string text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: chain, namespace: default}\ndata:\n  k:\n";
    text += "  - &a [z]\n";
    for (int i = 0; i < links; ++i) text += "  - &a [*a]\n";
    return text;
  };
  std::string deep = f.dir.write("chain.yaml", chain(40000));
  std::string small = f.dir.write("chain-85k.yaml", chain(7000));  // 85 KB
  std::string nested = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: chain, namespace: default}\ndata: ";
  nested += std::string(40000, '[') + std::string(40000, ']') + "\n";
  std::string flow = f.dir.write("nested.yaml", nested);
  for (const auto& [baseline, live] :
       std::vector<std::pair<std::string, std::string>>{{deep, f.good}, {f.good, small}, {flow, flow}}) {
    GuardedRun run = f.run({"diff", "-f", "json", "--baseline", baseline, "--live", live});
    expect_bounded(run, "diff " + baseline + " " + live);
    EXPECT_TRUE(run.code == 0 || run.code == 1 || run.code == 2) << run.code;
  }
}

}  // namespace
}  // namespace kg
