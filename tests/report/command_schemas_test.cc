// Every command's JSON against its schema in docs/schemas (and the scan
// report's in docs/report.schema.json), validated by python's jsonschema
// over what the real binary prints. Elsewhere: `verify -f json` in
// SupplyRegistry.VerifyAndScanCommands (it needs the test registry) and
// `cluster watch -f json` in LiveWatchJson.* (it needs the API server).
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "audit/audit_test_util.h"
#include "engine/temp_tree.h"
#include "report/report_test_util.h"
#include "support/json_schema.h"

namespace kg::testing {
namespace {

using namespace report_fixture;

struct Case {
  std::string schema;  // under docs/schemas
  std::string args;    // for the binary
  bool lines = false;  // one JSON document a line
};

std::string validate(const std::string& python, const std::string& schema, const std::string& file, bool lines) {
  return validate_json_schema(python, schema, file, lines);
}

TEST(CommandSchemas, EveryCommandsJsonMatchesItsSchema) {
  std::string python = python_with("jsonschema");
  if (python.empty()) GTEST_SKIP() << "needs python3 with jsonschema (python3-jsonschema)";
  ScratchDir dir;
  Ev exec;
  exec.subresource = "exec";
  exec.uri = "/api/v1/namespaces/shop/pods/web/exec?command=bash";
  exec.id = "exec-1";
  std::string audit_log = dir.write("audit.log", exec.json() + "\n");
  std::string rbac = source("examples/rbac");
  std::string demo = source("examples/demo");
  std::vector<Case> cases = {
      {"rules.schema.json", "rules -f json"},
      {"rbac.schema.json", "rbac -f json " + rbac},
      {"who-can.schema.json", "rbac who-can list secrets -n shop -f json " + rbac},
      {"who-can.schema.json", "rbac who-can get /metrics -f json " + rbac},
      {"who-can-inject.schema.json", "rbac who-can-inject -f json " + rbac},
      {"pss.schema.json", "pss --level restricted -f json " + demo},
      {"audit-alert.schema.json", "audit -q -f json " + audit_log, true},
      {"../report.schema.json", "scan -f json " + demo},
      // diff and node scan write the scan's report.
      {"../report.schema.json",
       "diff -f json --baseline " + source("examples/drift/baseline") + " --live " + source("examples/drift/live")},
      {"../report.schema.json", "node scan -f json --no-processes --manifests " + source("tests/node/data/kubeadm") +
                                    " --kubelet-config " + source("tests/node/data/kubelet/insecure-config.yaml")},
  };
  for (const auto& c : cases) {
    std::string out;
    run_kubeguard(c.args + " 2>/dev/null", &out);
    ASSERT_FALSE(out.empty()) << c.args;
    std::string file = dir.write("out.json", out);
    EXPECT_EQ(validate(python, source("docs/schemas/" + c.schema), file, c.lines), "") << c.args;
  }
}

// `node watch -f json` over this machine's real processes: a process named
// like a miner (sleep under the name xmrig) runs while the watch looks.
TEST(CommandSchemas, NodeWatchFindingsMatchTheirSchema) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (/proc of every process)";
  std::string python = python_with("jsonschema");
  if (python.empty()) GTEST_SKIP() << "needs python3 with jsonschema (python3-jsonschema)";
  TempTree tree;
  std::string miner = tree.path("xmrig");
  std::filesystem::create_symlink("/bin/sleep", miner);
  std::string file = tree.path("watch.json");
  // The process starts first: the watch's first walk of /proc finds it.
  int status =
      std::system((miner + " 5 & m=$!; sleep 0.3; '" + std::string(KG_BINARY) +
                   "' node watch -f json --for 1 --no-sniff >" + file + " 2>/dev/null; rc=$?; kill $m; exit $rc")
                      .c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << "a finding was raised: exit 1";
  std::string lines = read_file(file);
  EXPECT_NE(lines.find(R"("rule":"KG-RT-001")"), std::string::npos) << lines;
  EXPECT_NE(lines.find(R"("kind":"Process")"), std::string::npos) << lines;
  EXPECT_EQ(validate(python, source("docs/schemas/node-watch-alert.schema.json"), file, true), "") << lines;
}

// A schema that accepts anything proves nothing: each rejects a wrong document.
TEST(CommandSchemas, SchemasRejectWhatTheyShould) {
  std::string python = python_with("jsonschema");
  if (python.empty()) GTEST_SKIP() << "needs python3 with jsonschema (python3-jsonschema)";
  ScratchDir dir;
  std::string bad_rule = dir.write("rule.json", R"([{"id":"KG-X","slug":"x"}])");
  EXPECT_NE(validate(python, source("docs/schemas/rules.schema.json"), bad_rule, false), "");
  std::string bad_who = dir.write("who.json", R"({"question":{},"subjects":[{"kind":"Robot"}]})");
  EXPECT_NE(validate(python, source("docs/schemas/who-can.schema.json"), bad_who, false), "");
  std::string bad_alert = dir.write("alert.json", R"({"rule":"KG-AUD-001","severity":"urgent"})");
  EXPECT_NE(validate(python, source("docs/schemas/audit-alert.schema.json"), bad_alert, true), "");
  std::string bad_image = dir.write(
      "verify.json", R"({"images":[{"image":"r/a:1","status":"signed","trusted":true,"digest":"","platformDigest":"",)"
                     R"("policy":"","signer":"","reason":"","signatures":0,"rejected":[]}]})");
  EXPECT_NE(validate(python, source("docs/schemas/verify.schema.json"), bad_image, false), "");
  std::string bad_node = dir.write("node.json", R"({"time":"now","rule":"KG-RT-001","severity":"critical",)"
                                                R"("kind":"Process","namespace":"","name":"x[1]","path":"pid 1",)"
                                                R"("message":"m"})");
  EXPECT_NE(validate(python, source("docs/schemas/node-watch-alert.schema.json"), bad_node, true), "");
  std::string bad_watch = dir.write("watch.json", R"({"time":"2026-12-07T10:00:00Z","change":"BOOKMARK",)"
                                                  R"("rule":"KG-POD-001","severity":"critical","kind":"Pod",)"
                                                  R"("namespace":"shop","name":"web","path":"spec","message":"m"})");
  EXPECT_NE(validate(python, source("docs/schemas/watch-alert.schema.json"), bad_watch, true), "");
}

}  // namespace
}  // namespace kg::testing
