// `kubeguard audit` as a command: formats, exit codes, --since, the corpus
// samples in all their envelopes, standard input.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "audit_test_util.h"
#include "doc/json_loader.h"

namespace kg::testing {
namespace {

namespace fs = std::filesystem;

struct TempLog {
  std::string path;
  explicit TempLog(const std::string& text) {
    path = (fs::temp_directory_path() / fmt::format("kg-audit-cli-{}-{}.log", getpid(), counter()++)).string();
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempLog() { fs::remove(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

std::string exec_line(const std::string& command, const std::string& time = "2026-01-01T10:00:00Z") {
  Ev ev;
  ev.subresource = "exec";
  ev.uri = "/api/v1/namespaces/shop/pods/web/exec?command=" + command;
  ev.time = time;
  ev.id = command + time;
  return ev.json() + "\n";
}

TEST(AuditCli, ExitCodesFollowTheThreshold) {
  TempLog critical(exec_line("xmrig"));
  EXPECT_EQ(run_kubeguard("audit -q " + critical.path), 1);
  TempLog high(exec_line("bash"));
  EXPECT_EQ(run_kubeguard("audit -q --fail-on critical " + high.path), 0);
  EXPECT_EQ(run_kubeguard("audit -q --fail-on high " + high.path), 1);
  TempLog quiet(exec_line("ls"));  // medium
  EXPECT_EQ(run_kubeguard("audit -q " + quiet.path), 0);
  TempLog broken(exec_line("ls") + "{oops\n");
  EXPECT_EQ(run_kubeguard("audit -q " + broken.path + " 2>/dev/null"), 2);
  EXPECT_EQ(run_kubeguard("audit -q /nonexistent/audit.log 2>/dev/null"), 2);
  EXPECT_EQ(run_kubeguard("audit -q -f yaml " + quiet.path + " 2>/dev/null"), 2);
}

TEST(AuditCli, JsonLinesCarryTheAlertFields) {
  TempLog log(exec_line("sh") + exec_line("curl", "2026-01-01T10:00:30Z"));
  std::string out;
  EXPECT_EQ(run_kubeguard("audit -q -f json " + log.path, &out), 1);
  std::vector<doc::Node> alerts;
  doc::parse_json_stream(
      out, "out", [&](doc::Document&& d) { alerts.push_back(std::move(d.root)); },
      [](doc::LoadError&& e) { ADD_FAILURE() << e.message; });
  ASSERT_EQ(alerts.size(), 2u);
  for (std::string_view key : {"rule", "severity", "title", "message", "time", "user", "groups", "sourceIPs",
                               "userAgent", "objectRef", "auditID", "evidence", "source"}) {
    EXPECT_NE(alerts[0].get(key), nullptr) << key;
  }
  EXPECT_EQ(alerts[0].get("rule")->str(), "KG-AUD-007");
  EXPECT_EQ(alerts[1].get("severity")->str(), "critical");
  EXPECT_EQ(alerts[0].find({"objectRef", "subresource"})->str(), "exec");
}

TEST(AuditCli, SinceSkipsOlderEvents) {
  TempLog log(exec_line("bash", "2026-01-01T10:00:00Z") + exec_line("xmrig", "2026-01-01T12:00:00Z"));
  std::string out;
  EXPECT_EQ(run_kubeguard("audit -q -f json --since 2026-01-01T11:00:00Z " + log.path, &out), 1);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
  EXPECT_NE(out.find("xmrig"), std::string::npos);
  EXPECT_EQ(run_kubeguard("audit -q --since 1h " + log.path), 0);  // both are far in the past
  EXPECT_EQ(run_kubeguard("audit -q --since tomorrow " + log.path + " 2>/dev/null"), 2);
}

TEST(AuditCli, ReadsTheCorpusSamplesAndStandardInput) {
  const std::string dir =
      corpus("audit/elastic-integrations/packages/kubernetes/data_stream/audit_logs/_dev/test/pipeline/");
  std::string out;
  // Benign samples: read without error, no alert at high.
  EXPECT_EQ(run_kubeguard("audit " + dir + "test-audit.log " + dir + "test-kube-audit.log 2>&1", &out), 0);
  EXPECT_NE(out.find("6 events in 6 lines"), std::string::npos) << out;
  TempLog log(exec_line("xmrig"));
  EXPECT_EQ(run_kubeguard("audit -q -f json - < " + log.path, &out), 1);
  EXPECT_NE(out.find("\"source\":\"-:1\""), std::string::npos) << out;
}

// --min-severity leaves out what is below it: not written, not failing the
// run, counted in the summary.
TEST(AuditCli, MinSeverityWritesOnlyWhatReachesIt) {
  TempLog log(exec_line("ls") + exec_line("bash", "2026-01-01T10:00:30Z") + exec_line("xmrig", "2026-01-01T10:01:00Z"));
  std::string out;
  EXPECT_EQ(run_kubeguard("audit -q -f json " + log.path, &out), 1);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3) << out;
  EXPECT_EQ(run_kubeguard("audit -q -f json --min-severity HIGH " + log.path, &out), 1);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2) << out;
  EXPECT_EQ(out.find("\"severity\":\"medium\""), std::string::npos) << out;
  EXPECT_EQ(run_kubeguard("audit -f json --min-severity critical " + log.path + " 2>&1", &out), 1);
  EXPECT_NE(out.find("2 below --min-severity not shown"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2) << out;  // one alert, the summary
  // The high alert is left out, so it does not fail the run.
  TempLog high(exec_line("bash"));
  EXPECT_EQ(run_kubeguard("audit -q --fail-on high --min-severity critical " + high.path), 0);
  EXPECT_EQ(run_kubeguard("audit -q --fail-on high --min-severity high " + high.path), 1);
  EXPECT_EQ(run_kubeguard("audit -q -f sarif --min-severity critical " + high.path, &out), 0);
  EXPECT_NE(out.find("\"results\": []"), std::string::npos) << out;
  EXPECT_EQ(run_kubeguard("audit -q --min-severity severe " + high.path + " 2>&1", &out), 2);
  EXPECT_NE(out.find("--min-severity 'severe' is not one of critical, high, medium, low, info"), std::string::npos)
      << out;
}

}  // namespace
}  // namespace kg::testing
