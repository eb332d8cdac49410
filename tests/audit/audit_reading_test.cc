// Reading audit logs: every envelope (native v1 and v1beta1, EventList, GKE,
// AKS), and the robustness promises: a malformed line is reported with its
// number and skipped, an oversized line is bounded, a truncated last line is
// handled, rotation is followed. Nothing stops the stream.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "audit/event_decoder.h"
#include "audit/line_reader.h"
#include "audit/stream.h"
#include "audit_test_util.h"

namespace kg::testing {
namespace {

namespace fs = std::filesystem;

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / fmt::format("kg-audit-{}-{}", getpid(), name)).string();
}

void write(const std::string& path, const std::string& text, bool append = false) {
  std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  out << text;
}

struct Collected {
  std::vector<audit::Alert> alerts;
  std::vector<std::string> problems;
  audit::StreamStats stats;
};

Collected read_all(const std::string& path, audit::LineReaderOptions options = {}) {
  Collected c;
  auto d = make_detector();
  c.stats = audit::run_stream(
      path, d, options, [&](const audit::Alert& a) { c.alerts.push_back(a); },
      [&](const std::string& p) { c.problems.push_back(p); });
  return c;
}

TEST(AuditDecode, EveryEnvelopeOfTheCorpus) {
  const std::string dir =
      corpus("audit/elastic-integrations/packages/kubernetes/data_stream/audit_logs/_dev/test/pipeline/");
  audit::EventDecoder decoder;
  std::vector<audit::Event> events;
  for (const char* file : {"test-audit.log", "test-kube-audit.log"}) {
    std::istringstream lines(read_file(dir + file));
    std::string line;
    while (std::getline(lines, line)) EXPECT_EQ(decoder.decode(line, events), "") << line.substr(0, 80);
  }
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[0].verb, "get");
  EXPECT_EQ(events[0].object_ref.resource, "pods");
  EXPECT_EQ(events[0].object_ref.name, "my-pod");
  EXPECT_EQ(events[0].user_agent, "kubectl/v1.26.1");
  EXPECT_EQ(events[0].decision, "allow");
  EXPECT_EQ(events[0].response_code, 200);
  EXPECT_EQ(events[1].groups.size(), 3u);
  // GKE LogEntry.
  EXPECT_EQ(events[3].format, "gke");
  EXPECT_EQ(events[3].user, "system:gke-master-healthcheck");
  EXPECT_EQ(events[3].verb, "get");
  EXPECT_EQ(events[3].source_ips, std::vector<std::string>{"67.43.156.1"});
  EXPECT_EQ(events[3].user_agent, "gke-master-healthcheck");
  EXPECT_EQ(events[3].time, "2025-07-13T08:38:39.127266Z");
  // AKS, the event as an object and as JSON text.
  EXPECT_EQ(events[4].format, "aks");
  EXPECT_EQ(events[4].user, "aksService");
  EXPECT_EQ(events[4].verb, "update");
  EXPECT_EQ(events[4].object_ref.resource, "leases");
  EXPECT_EQ(events[5].format, "aks");
  EXPECT_EQ(events[5].audit_id, "ad26f7bc-f1c6-4097-90f1-e0924e12f257");
  EXPECT_EQ(events[5].source_ips, std::vector<std::string>{"172.31.51.172"});
  EXPECT_GT(events[5].time_us, 0);
}

TEST(AuditDecode, GkeResourceNamesAndV1beta1) {
  audit::EventDecoder decoder;
  std::vector<audit::Event> events;
  EXPECT_EQ(
      decoder.decode(
          R"({"protoPayload":{"methodName":"io.k8s.core.v1.pods.exec.create","resourceName":"core/v1/namespaces/shop/pods/web/exec","authenticationInfo":{"principalEmail":"eve@example.com"},"status":{"code":7}},"timestamp":"2026-01-01T00:00:00Z","insertId":"g1"})",
          events),
      "");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].verb, "create");
  EXPECT_EQ(events[0].object_ref.resource, "pods");
  EXPECT_EQ(events[0].object_ref.name_space, "shop");
  EXPECT_EQ(events[0].object_ref.name, "web");
  EXPECT_EQ(events[0].object_ref.subresource, "exec");
  EXPECT_EQ(events[0].response_code, 403);
  EXPECT_EQ(
      decoder.decode(
          R"({"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","verb":"get","timestamp":"2019-01-01T00:00:00Z","user":{"username":"u"}})",
          events),
      "");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].format, "audit.k8s.io/v1beta1");
  EXPECT_EQ(events[1].time_us, int64_t{1546300800} * 1'000'000);
}

TEST(AuditDecode, EventListAsTheWebhookSendsIt) {
  Ev a, b;
  b.id = "id-2";
  std::string list = fmt::format(
      R"({{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{{}},"items":[{},{}]}})", a.json(), b.json());
  auto d = make_detector();
  auto result = d.process_json(list);
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.events, 2u);
}

TEST(AuditDecode, NotAnEventSaysWhy) {
  audit::EventDecoder decoder;
  std::vector<audit::Event> events;
  EXPECT_NE(decoder.decode("{not json", events), "");
  EXPECT_NE(decoder.decode(R"({"kind":"Pod","apiVersion":"v1"})", events).find("not an audit event"),
            std::string::npos);
  EXPECT_NE(decoder.decode("[1,2]", events), "");
  EXPECT_TRUE(events.empty());
}

TEST(AuditDecode, TimeParsing) {
  EXPECT_EQ(audit::parse_time("1970-01-01T00:00:01Z"), 1'000'000);
  EXPECT_EQ(audit::parse_time("1970-01-01T00:00:01.5Z"), 1'500'000);
  EXPECT_EQ(audit::parse_time("1970-01-01T01:00:01+01:00"), 1'000'000);
  EXPECT_FALSE(audit::parse_time("yesterday"));
  EXPECT_EQ(audit::parse_time("1970-01-01T00:00:01"), 1'000'000) << "no zone: UTC";
  EXPECT_FALSE(audit::parse_time("1970-01-01T00:00:01+1"));
}

TEST(AuditStream, MalformedLineIsReportedWithItsNumberAndSkipped) {
  std::string path = temp_path("malformed.log");
  Ev exec;
  exec.subresource = "exec";
  exec.uri = "/api/v1/namespaces/shop/pods/web/exec?command=bash";
  Ev exec2 = exec;
  exec2.id = "id-2";
  exec2.name = "web2";
  exec2.uri = "/api/v1/namespaces/shop/pods/web2/exec?command=bash";
  write(path, exec.json() + "\n{\"kind\": broken\n\n" + exec2.json() + "\n");
  auto c = read_all(path);
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_NE(c.problems[0].find(path + ":2:"), std::string::npos) << c.problems[0];
  EXPECT_EQ(c.stats.malformed, 1u);
  EXPECT_EQ(c.stats.events, 2u);
  ASSERT_EQ(c.alerts.size(), 2u);
  EXPECT_EQ(c.alerts[1].source, path + ":4");
  fs::remove(path);
}

TEST(AuditStream, OversizedLineIsBoundedAndTheNextLineIsRead) {
  std::string path = temp_path("oversized.log");
  Ev exec;
  exec.subresource = "exec";
  exec.uri = "/api/v1/namespaces/shop/pods/web/exec?command=bash";
  std::string huge =
      R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","requestURI":")" + std::string(3 << 20, 'a') + "\"}";
  write(path, huge + "\n" + exec.json() + "\n");
  audit::LineReaderOptions options;
  options.max_line = 64 * 1024;
  auto c = read_all(path, options);
  EXPECT_EQ(c.stats.oversized, 1u);
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_NE(c.problems[0].find(":1: line of 3145"), std::string::npos) << c.problems[0];
  ASSERT_EQ(c.alerts.size(), 1u);
  EXPECT_EQ(c.alerts[0].source, path + ":2");
  fs::remove(path);
}

TEST(AuditStream, ReaderMemoryStaysBoundedOnAHugeLine) {
  std::string path = temp_path("huge.log");
  write(path, std::string(40 << 20, 'x') + "\nok\n");
  audit::LineReaderOptions options;
  options.max_line = 1 << 20;
  audit::LineReader reader(path, options);
  auto first = reader.next();
  EXPECT_EQ(first.status, audit::LineStatus::Oversized);
  EXPECT_EQ(first.length, uint64_t{40} << 20);
  auto second = reader.next();
  ASSERT_EQ(second.status, audit::LineStatus::Line);
  EXPECT_EQ(second.text, "ok");
  EXPECT_EQ(second.line_number, 2u);
  EXPECT_EQ(reader.next().status, audit::LineStatus::End);
  fs::remove(path);
}

TEST(AuditStream, TruncatedLastLineIsReportedAndAWholeUnterminatedOneIsRead) {
  std::string path = temp_path("truncated.log");
  Ev exec;
  exec.subresource = "exec";
  exec.uri = "/api/v1/namespaces/shop/pods/web/exec?command=bash";
  std::string line = exec.json();
  write(path, line + "\n" + line.substr(0, line.size() / 2));
  auto c = read_all(path);
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_NE(c.problems[0].find(":2: last line has no newline"), std::string::npos) << c.problems[0];
  EXPECT_EQ(c.alerts.size(), 1u);
  write(path, line);  // a whole event without a final newline
  auto whole = read_all(path);
  EXPECT_TRUE(whole.problems.empty());
  EXPECT_EQ(whole.alerts.size(), 1u);
  fs::remove(path);
}

TEST(AuditStream, PrettyPrintedEventListSpanningLines) {
  std::string path = temp_path("pretty.log");
  Ev exec;
  exec.subresource = "exec";
  exec.uri = "/api/v1/namespaces/shop/pods/web/exec?command=bash";
  write(path, "{\n  \"kind\": \"EventList\",\n  \"apiVersion\": \"audit.k8s.io/v1\",\n  \"items\": [\n    " +
                  exec.json() + "\n  ]\n}\n");
  auto c = read_all(path);
  EXPECT_TRUE(c.problems.empty()) << c.problems[0];
  ASSERT_EQ(c.alerts.size(), 1u);
  EXPECT_EQ(c.alerts[0].source, path + ":1");
  fs::remove(path);
}

TEST(AuditStream, HostileLinesNeverStopTheStream) {
  std::string path = temp_path("hostile.log");
  Ev exec;
  exec.subresource = "exec";
  exec.uri = "/api/v1/namespaces/shop/pods/web/exec?command=bash";
  // A pod write whose requestObject nests far deeper than any Kubernetes object.
  std::string deep;
  for (int i = 0; i < 600; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 600; ++i) deep += "}";
  Ev nested;
  nested.id = "deep";
  nested.request = nested.response = deep;
  constexpr char kGarbage[] = "\x00\xff\xfe binary \x01";  // NUL included: the length comes from the array
  std::string garbage(kGarbage, sizeof kGarbage - 1);
  std::string arrays(5000, '[');
  write(path, garbage + "\n" + arrays + "\n" + nested.json() + "\n\"just a string\"\n[]\n" + exec.json() + "\n");
  auto c = read_all(path);
  // Garbage, the arrays, the string; an empty array is an export with no entries (`gcloud logging read` prints []).
  EXPECT_EQ(c.stats.malformed, 3u);
  EXPECT_EQ(c.problems.size(), 3u);
  EXPECT_EQ(c.stats.events, 2u);  // the nested write is decoded (its depth bounded), the exec alerted
  ASSERT_EQ(c.alerts.size(), 1u);
  EXPECT_EQ(c.alerts[0].rule_id, "KG-AUD-007");
  fs::remove(path);
}

TEST(AuditStream, MissingFileIsAnErrorNotACrash) {
  auto c = read_all(temp_path("does-not-exist.log"));
  EXPECT_TRUE(c.stats.read_error);
  ASSERT_EQ(c.problems.size(), 1u);
  EXPECT_NE(c.problems[0].find("cannot open"), std::string::npos);
}

TEST(AuditStream, FollowReadsAppendsAcrossRotationAndTruncation) {
  std::string path = temp_path("follow.log");
  auto exec_line = [](int i) {
    Ev exec;
    exec.id = fmt::format("f-{}", i);
    exec.subresource = "exec";
    exec.name = fmt::format("web{}", i);  // distinct attempts, not one attempt retried
    exec.uri = fmt::format("/api/v1/namespaces/shop/pods/web{}/exec?command=bash", i);
    return exec.json() + "\n";
  };
  write(path, exec_line(1));
  std::atomic<size_t> alerts{0};
  std::atomic<bool> stop{false};
  audit::LineReaderOptions options;
  options.follow = true;
  options.poll_ms = 20;
  options.stop = [&] { return stop.load(); };
  std::vector<std::string> problems;
  auto d = make_detector();
  std::thread reader([&] {
    audit::run_stream(
        path, d, options, [&](const audit::Alert&) { ++alerts; }, [&](const std::string& p) { problems.push_back(p); });
  });
  auto wait_for = [&](size_t n) {
    for (int i = 0; i < 250 && alerts.load() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return alerts.load();
  };
  EXPECT_EQ(wait_for(1), 1u);
  // A line written in two parts is read once whole.
  std::string two = exec_line(2);
  write(path, two.substr(0, 40), true);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  write(path, two.substr(40), true);
  EXPECT_EQ(wait_for(2), 2u);
  // Rotation: the file is renamed and a new one takes its name.
  fs::rename(path, path + ".1");
  write(path, exec_line(3));
  EXPECT_EQ(wait_for(3), 3u);
  // Truncation in place (copytruncate), then new content.
  write(path, "");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  write(path, exec_line(4));
  EXPECT_EQ(wait_for(4), 4u);
  stop = true;
  reader.join();
  EXPECT_EQ(alerts.load(), 4u);
  fs::remove(path);
  fs::remove(path + ".1");
}

}  // namespace
}  // namespace kg::testing
