// The labelled attack matrix against the real control plane
// (tests/audit/matrix): every attack technique by every variant, and benign
// churn from the same API server, recorded in the API server's own audit
// log; converted into the GKE and AKS exported forms; `kubeguard audit` run
// on all three. While it records, `kubeguard cluster watch` and `kubeguard
// serve` (a validating webhook in warn mode, failing open) see the same
// requests, and the whole objects the variants sent are scanned: every front
// is scored on the same labels. Fails when the recall of a technique a front
// can see is under 95%, when a benign variant raises a high or critical
// alert, or when a variant did not run.
//
// The recording is made once per control plane run dir (the release and the
// sanitizer test runs of CI share it, with the watch and webhook of the run
// that recorded); the audit detector and the scan run every time.
#include <unistd.h>

#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

// What the recording depends on: a new matrix is a new recording.
std::string matrix_fingerprint() {
  std::string all;
  for (const char* f : {"lib.sh", "attacks.sh", "benign.sh", "record.sh", "fronts.sh", "injector.py"}) {
    all += read_file(source(std::string("tests/audit/matrix/") + f));
  }
  return std::to_string(std::hash<std::string>{}(all));
}

TEST(LiveAuditMatrix, AttackMatrixAndBenignChurnE2E) {
  std::string why;
  auto live = live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  std::string env;
  const std::string script = source("scripts/controlplane.sh");
  ASSERT_EQ(live_detail::run(live_detail::quote(script) + " env", &env), 0);
  const std::string cp_dir = env_value(env, "KUBEGUARD_CP_DIR");
  const std::string kubectl = env_value(env, "KUBECTL");
  ASSERT_FALSE(cp_dir.empty()) << env;
  const std::string run_dir = cp_dir + "/audit-matrix";
  const std::string q_run = live_detail::quote(run_dir);
  const std::string matrix = source("tests/audit/matrix");
  const std::string done_marker = run_dir + "/recorded";
  const std::string fingerprint = matrix_fingerprint();

  if (read_file(done_marker) != fingerprint) {
    std::string out;
    std::string path = kubectl.empty()
                           ? std::string()
                           : "export PATH=" + live_detail::quote(kubectl.substr(0, kubectl.rfind('/'))) + ":$PATH; ";
    int rc = run_with_kubeconfig(*live,
                                 path + "export KUBEGUARD_CP_DIR=" + live_detail::quote(cp_dir) +
                                     " KG_CORPUS_DIR=" + live_detail::quote(corpus("")) +
                                     " KG_MATRIX_KUBEGUARD=" + live_detail::quote(KG_BINARY) + "; rm -rf " + q_run +
                                     "; " + live_detail::quote(matrix + "/record.sh") + " " + q_run + " 2>&1",
                                 &out);
    std::cout << out;
    ASSERT_EQ(rc, 0) << out;
    std::ofstream(done_marker) << fingerprint;
  }

  for (std::string form : {"native", "gke", "aks"}) {
    SCOPED_TRACE(form);
    std::string input = run_dir + "/native.log";
    if (form != "native") {
      input = run_dir + "/" + form + ".log";
      ASSERT_EQ(
          live_detail::run(fmt::format("python3 {} {} < {}/native.log > {}", live_detail::quote(matrix + "/convert.py"),
                                       form, q_run, live_detail::quote(input)),
                           nullptr),
          0);
    }
    std::string alerts;
    int code = run_kubeguard("audit -q -f json " + live_detail::quote(input), &alerts);
    EXPECT_TRUE(code == 0 || code == 1) << "kubeguard audit exited " << code;
    const std::string alerts_file = run_dir + "/alerts-" + form + ".jsonl";
    std::ofstream(alerts_file) << alerts;
    // The token minted for the service accounts never reaches the output.
    EXPECT_EQ(alerts.find("Bearer"), std::string::npos);
    std::string report;
    int rc = live_detail::run(fmt::format("python3 {} {} {} {} 2>&1", live_detail::quote(matrix + "/evaluate.py"),
                                          q_run, form, live_detail::quote(alerts_file)),
                              &report);
    std::cout << report;
    EXPECT_EQ(rc, 0) << report;
  }

  // The other fronts on the same labels: the watch's alerts and the
  // webhook's decisions as recorded, the scan of the objects the variants sent.
  const std::string evaluate = live_detail::quote(matrix + "/evaluate.py");
  ASSERT_EQ(
      live_detail::run(fmt::format("rm -rf {0}/manifests && python3 {1} {0} manifests", q_run, evaluate), nullptr), 0);
  std::string scan;
  int scan_code = run_kubeguard("scan -f json " + live_detail::quote(run_dir + "/manifests"), &scan);
  EXPECT_TRUE(scan_code == 0 || scan_code == 1) << "kubeguard scan exited " << scan_code;
  std::ofstream(run_dir + "/scan.json") << scan;
  for (auto [front, file] :
       {std::pair{"watch", "watch.jsonl"}, std::pair{"admission", "admission.log"}, std::pair{"scan", "scan.json"}}) {
    SCOPED_TRACE(front);
    std::string report;
    int rc = live_detail::run(
        fmt::format("python3 {} {} {} {} 2>&1", evaluate, q_run, front, live_detail::quote(run_dir + "/" + file)),
        &report);
    std::cout << report;
    EXPECT_EQ(rc, 0) << report;
  }
  std::string table;
  live_detail::run(fmt::format("python3 {} {} summary 2>&1", evaluate, q_run), &table);
  std::cout << table;
}

}  // namespace
}  // namespace kg::testing
