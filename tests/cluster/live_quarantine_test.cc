// `kubeguard quarantine` against the real API server and controller manager:
// the suspect pod is isolated and kept, its ReplicaSet makes a replacement,
// the evidence is saved, a second run changes nothing, release lifts it.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "support/json_schema.h"
#include "support/test_support.h"

namespace kg::cluster {
namespace {

using kg::testing::run_with_kubeconfig;

std::string kubectl(const kg::testing::LiveCluster& live, const std::string& args) {
  std::string out;
  run_with_kubeconfig(live, "kubectl " + args + " 2>&1", &out);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string kubeguard(const kg::testing::LiveCluster& live, const std::string& args, int* status) {
  std::string out;
  *status = run_with_kubeconfig(live, "'" + std::string(KG_BINARY) + "' " + args + " 2>&1", &out);
  return out;
}

TEST(LiveQuarantine, IsolatesKeepsAndReplacesThePodThenReleasesIt) {
  std::string why;
  auto live = kg::testing::live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  std::string ns = "kg-test-quarantine-" + std::to_string(getpid());
  struct Cleanup {
    const kg::testing::LiveCluster& live;
    std::string ns;
    std::string dir;
    ~Cleanup() {
      run_with_kubeconfig(live, "kubectl delete namespace " + ns + " --wait=false >/dev/null 2>&1");
      run_with_kubeconfig(live, "rm -rf '" + dir + "'");
    }
  } cleanup{*live, ns, "/tmp/" + ns};
  ASSERT_EQ(mkdir(cleanup.dir.c_str(), 0700), 0);
  ASSERT_EQ(run_with_kubeconfig(*live, "kubectl create namespace " + ns + " >/dev/null && " +
                                           kg::testing::wait_for_default_service_account(ns) + " && kubectl -n " + ns +
                                           " create deployment web --image=registry.example.com/web:1.0 >/dev/null"),
            0);
  std::string suspect;
  for (int i = 0; i < 100 && suspect.empty(); ++i) {
    suspect = kubectl(*live, "-n " + ns + " get pods -l app=web -o jsonpath='{.items[0].metadata.name}'");
    if (suspect.find("error") != std::string::npos || suspect.find("array index out of bounds") != std::string::npos) {
      suspect.clear();
    }
    if (suspect.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  ASSERT_FALSE(suspect.empty()) << "the controller made no pod";

  // --dry-run prints the requests and changes nothing.
  int status = 0;
  std::string dry = kubeguard(*live, "quarantine " + ns + "/" + suspect + " --dry-run", &status);
  EXPECT_EQ(status, 0) << dry;
  EXPECT_NE(dry.find("POST https://"), std::string::npos) << dry;
  EXPECT_NE(dry.find("PATCH https://"), std::string::npos) << dry;
  EXPECT_EQ(kubectl(*live, "-n " + ns + " get networkpolicy kubeguard-quarantine -o name"),
            "Error from server (NotFound): networkpolicies.networking.k8s.io \"kubeguard-quarantine\" not found");

  std::string done = kubeguard(*live,
                               "quarantine " + ns + "/" + suspect +
                                   " --reason 'miner sidecar' --finding KG-SC-006 --evidence-dir " + cleanup.dir,
                               &status);
  ASSERT_EQ(status, 0) << done;
  EXPECT_EQ(kubectl(*live, "-n " + ns + " get pod " + suspect + " -o jsonpath='{.metadata.labels}'"),
            "{\"kubeguard.io/quarantine\":\"true\"}");
  EXPECT_EQ(kubectl(*live, "-n " + ns + " get pod " + suspect +
                               " -o jsonpath='{.metadata.annotations.kubeguard\\.io/quarantine-finding}'"),
            "KG-SC-006");
  EXPECT_EQ(kubectl(*live, "-n " + ns + " get networkpolicy kubeguard-quarantine -o jsonpath='{.spec.policyTypes}'"),
            "[\"Ingress\",\"Egress\"]");
  // The ReplicaSet let go of the suspect and made a replacement.
  std::string replacement;
  for (int i = 0; i < 100; ++i) {
    replacement = kubectl(*live, "-n " + ns + " get pods -l app=web -o jsonpath='{.items[*].metadata.name}'");
    if (!replacement.empty() && replacement != suspect) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  EXPECT_FALSE(replacement.empty());
  EXPECT_EQ(replacement.find(suspect), std::string::npos) << replacement;
  EXPECT_EQ(kubectl(*live, "-n " + ns + " get pod " + suspect + " -o jsonpath='{.metadata.ownerReferences}'"), "");
  // The evidence: one file, readable by its owner only, with the pod and its owners.
  std::string files;
  run_with_kubeconfig(*live, "ls " + cleanup.dir, &files);
  ASSERT_NE(files.find("kubeguard-evidence-" + ns + "-" + suspect), std::string::npos) << files;
  std::string file = cleanup.dir + "/" + files.substr(0, files.find('\n'));
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string evidence = kg::testing::read_file(file);
  EXPECT_NE(evidence.find("\"kind\":\"ReplicaSet\""), std::string::npos);
  EXPECT_NE(evidence.find("\"kind\":\"Deployment\""), std::string::npos);
  EXPECT_NE(evidence.find("\"reason\":\"miner sidecar\""), std::string::npos);
  // What docs/schemas/quarantine-evidence.schema.json says it is.
  std::string python = kg::testing::python_with_jsonschema();
  ASSERT_FALSE(python.empty()) << "needs python3 with jsonschema (scripts/install-deps.sh: python3-jsonschema)";
  EXPECT_EQ(kg::testing::validate_json_schema(
                python, kg::testing::source("docs/schemas/quarantine-evidence.schema.json"), file, false),
            "")
      << evidence.substr(0, 2000);

  // Again: nothing changes, no second evidence file.
  std::string again = kubeguard(*live, "quarantine " + ns + "/" + suspect + " --evidence-dir " + cleanup.dir, &status);
  EXPECT_EQ(status, 0) << again;
  EXPECT_NE(again.find("already quarantined"), std::string::npos) << again;
  run_with_kubeconfig(*live, "ls " + cleanup.dir + " | wc -l", &files);
  EXPECT_EQ(files, "1\n");

  // kube-system is refused without --force.
  std::string refused = kubeguard(*live, "quarantine kube-system/anything --dry-run", &status);
  EXPECT_EQ(status, 2);
  EXPECT_NE(refused.find("--force"), std::string::npos) << refused;

  // Release: the label goes, and with no other quarantined pod, the policy.
  std::string released = kubeguard(*live, "quarantine release " + ns + "/" + suspect, &status);
  EXPECT_EQ(status, 0) << released;
  EXPECT_EQ(kubectl(*live, "-n " + ns + " get pod " + suspect + " -o jsonpath='{.metadata.labels}'"), "");
  EXPECT_NE(kubectl(*live, "-n " + ns + " get networkpolicy kubeguard-quarantine").find("NotFound"), std::string::npos);
}

}  // namespace
}  // namespace kg::cluster
