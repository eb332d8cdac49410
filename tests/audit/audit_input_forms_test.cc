// Every form an audit log arrives in, read from realistic samples
// (tests/data/audit-forms): `gcloud logging read --format=json` arrays of
// GKE entries (decision in authorizationInfo[].granted, bodies with "@type"
// and no kind, resourceName partial or absent, the exec command in a
// PodExecOptions body), Azure diagnostic exports ({"records": [...]}, the
// event as an object or as JSON text), events whose exporter dropped
// apiVersion, a UTF-8 byte order mark, an indented object that never closes,
// every timestamp form, and a followed file copy-truncated and rewritten
// past the read offset between two polls.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "audit/event_decoder.h"
#include "audit/line_reader.h"
#include "audit/stream.h"
#include "audit_test_util.h"
#include "support/guarded_run.h"

namespace kg::testing {
namespace {

namespace fs = std::filesystem;

std::string sample(const std::string& name) { return source("tests/data/audit-forms/" + name); }

// A file with `text`, removed at the end of the test.
struct ScratchFile {
  std::string path;
  explicit ScratchFile(std::string_view text) {
    static int n = 0;
    path = (fs::temp_directory_path() / fmt::format("kg-forms-{}-{}.log", getpid(), ++n)).string();
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  }
  ~ScratchFile() { fs::remove(path); }
};

struct Read {
  std::vector<audit::Alert> alerts;
  std::vector<std::string> problems;
  audit::StreamStats stats;
  bool has(std::string_view rule) const {
    return std::any_of(alerts.begin(), alerts.end(), [&](const audit::Alert& a) { return a.rule_id == rule; });
  }
};

Read read_log(const std::string& path) {
  Read r;
  auto d = make_detector();
  r.stats = audit::run_stream(
      path, d, {}, [&](const audit::Alert& a) { r.alerts.push_back(a); },
      [&](const std::string& p) { r.problems.push_back(p); });
  return r;
}

std::vector<audit::Event> decode_all(std::string_view text, std::string* error = nullptr) {
  audit::EventDecoder decoder;
  std::vector<audit::Event> events;
  std::string e = decoder.decode(text, events);
  if (error != nullptr) *error = e;
  return events;
}

TEST(AuditForms, GcloudLoggingReadArray) {
  std::string error;
  std::vector<audit::Event> events = decode_all(read_file(sample("gcloud-logging-read.json")), &error);
  EXPECT_EQ(error, "");
  ASSERT_EQ(events.size(), 4u);

  // A create whose resourceName stops at the collection: the name comes from the body.
  const audit::Event& create = events[0];
  EXPECT_EQ(create.format, "gke");
  EXPECT_EQ(create.verb, "create");
  EXPECT_EQ(create.object_ref.resource, "pods");
  EXPECT_EQ(create.object_ref.name_space, "shop");
  EXPECT_EQ(create.object_ref.name, "debugger");
  EXPECT_EQ(create.request_uri, "/api/v1/namespaces/shop/pods/debugger");
  EXPECT_EQ(create.decision, "allow") << "every authorizationInfo check granted";
  EXPECT_TRUE(create.allowed());
  EXPECT_EQ(create.time, "2026-03-02T09:14:07.512345Z");
  // The bodies carry "@type" instead of kind: the kind is filled in from it.
  ASSERT_TRUE(create.response_object.has_value());
  EXPECT_EQ(create.response_object->get("kind")->str(), "Pod");
  EXPECT_EQ(create.response_object->get("apiVersion")->str(), "v1");
  ASSERT_TRUE(create.request_object.has_value());
  EXPECT_EQ(create.request_object->get("kind")->str(), "Pod");

  // Exec: the command in a PodExecOptions body, written into the URI's query too.
  const audit::Event& exec = events[1];
  EXPECT_EQ(exec.object_ref.subresource, "exec");
  EXPECT_EQ(exec.object_ref.name, "web-7c9d");
  EXPECT_EQ(exec.stage, "ResponseStarted") << "operation.first without last";
  EXPECT_EQ(exec.exec_command,
            (std::vector<std::string>{"sh", "-c", "cat /var/run/secrets/kubernetes.io/serviceaccount/token"}));
  EXPECT_EQ(exec.exec_container, "web");
  EXPECT_NE(exec.request_uri.find("?command=sh&command=-c&command=cat%20/var/run/secrets/"), std::string::npos)
      << exec.request_uri;
  ASSERT_TRUE(exec.request_object.has_value());
  ASSERT_NE(exec.request_object->get("kind"), nullptr);
  EXPECT_EQ(exec.request_object->get("kind")->str(), "PodExecOptions") << "typed by its @type, not as the Pod";
  EXPECT_EQ(events[2].audit_id, exec.audit_id) << "the two entries of one request share operation.id";
  EXPECT_EQ(events[2].stage, "ResponseComplete");

  // No resourceName at all: the reference from methodName; refused by authorizationInfo.
  const audit::Event& list = events[3];
  EXPECT_EQ(list.verb, "list");
  EXPECT_EQ(list.object_ref.resource, "secrets");
  EXPECT_EQ(list.object_ref.api_version, "v1");
  EXPECT_EQ(list.decision, "forbid");
  EXPECT_TRUE(list.denied());
  EXPECT_EQ(list.response_code, 403);
}

TEST(AuditForms, GcloudArrayThroughTheStreamRaisesTheAlerts) {
  Read r = read_log(sample("gcloud-logging-read.json"));
  EXPECT_EQ(r.stats.events, 4u);
  EXPECT_EQ(r.stats.malformed, 0u) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_TRUE(r.has("KG-AUD-017")) << "the privileged pod created through GKE is judged by its body";
  ASSERT_TRUE(r.has("KG-AUD-007"));
  for (const auto& a : r.alerts) {
    if (a.rule_id != "KG-AUD-007") continue;
    std::string evidence;
    for (const auto& e : a.evidence) evidence += e.value + "|";
    EXPECT_NE(evidence.find("serviceaccount/token"), std::string::npos) << evidence;
  }
}

// GKE writes a request made with Impersonate-User with the caller in
// principalEmail and the identity it acted as in authoritySelector (the
// shape of a GKE entry quoted in kyma-project/kyma#2811); the RBAC reason
// in the labels names the impersonated user, since that is who was authorized.
TEST(AuditForms, GkeImpersonationIsReadFromTheAuthoritySelector) {
  constexpr std::string_view kEntry =
      R"({"insertId":"c5b90d47","labels":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":)"
      R"("RBAC: allowed by ClusterRoleBinding \"admins\" of ClusterRole \"cluster-admin\" to User \"jane@example.com\""},)"
      R"("logName":"projects/p/logs/cloudaudit.googleapis.com%2Fdata_access","operation":{"id":"c5b90d47",)"
      R"("first":true,"last":true,"producer":"k8s.io"},"protoPayload":{"@type":"type.googleapis.com/)"
      R"(google.cloud.audit.AuditLog","authenticationInfo":{"authoritySelector":"jane@example.com",)"
      R"("principalEmail":"system:serviceaccount:tools:proxy"},"authorizationInfo":[{"granted":true,)"
      R"("permission":"io.k8s.core.v1.pods.list","resource":"core/v1/namespaces/shop/pods"}],)"
      R"("methodName":"io.k8s.core.v1.pods.list","resourceName":"core/v1/namespaces/shop/pods",)"
      R"("serviceName":"k8s.io","status":{}},"resource":{"type":"k8s_cluster"},)"
      R"("timestamp":"2026-03-02T09:20:00.000000Z"})";
  std::string error;
  std::vector<audit::Event> events = decode_all(kEntry, &error);
  EXPECT_EQ(error, "");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].user, "system:serviceaccount:tools:proxy");
  EXPECT_EQ(events[0].impersonated_user, "jane@example.com");

  ScratchFile log(std::string(kEntry) + "\n");
  Read r = read_log(log.path);
  ASSERT_TRUE(r.has("KG-AUD-013")) << "impersonation used";
  // Without authoritySelector the same entry is an ordinary request.
  std::string plain(kEntry);
  plain.erase(plain.find(R"("authoritySelector":"jane@example.com",)"),
              std::string_view(R"("authoritySelector":"jane@example.com",)").size());
  ScratchFile plain_log(plain + "\n");
  EXPECT_FALSE(read_log(plain_log.path).has("KG-AUD-013"));
}

TEST(AuditForms, AzureRecordsExportPrettyAndOnOneLine) {
  for (const char* name : {"azure-records.json", "azure-records-oneline.json"}) {
    SCOPED_TRACE(name);
    std::string error;
    std::vector<audit::Event> events = decode_all(read_file(sample(name)), &error);
    if (std::string(name) == "azure-records-oneline.json") {
      EXPECT_EQ(error, "");
      ASSERT_EQ(events.size(), 2u);
      EXPECT_EQ(events[0].format, "aks");
      EXPECT_EQ(events[0].object_ref.subresource, "exec");
      EXPECT_EQ(events[0].exec_command, (std::vector<std::string>{"sh", "-c", "id"}));
      EXPECT_EQ(events[1].user, "system:kube-scheduler");
    }
    Read r = read_log(sample(name));
    EXPECT_EQ(r.stats.events, 2u);
    EXPECT_EQ(r.stats.malformed, 0u) << (r.problems.empty() ? "" : r.problems[0]);
    EXPECT_TRUE(r.has("KG-AUD-007"));
  }
}

TEST(AuditForms, EventsWithoutApiVersionOrKind) {
  Read r = read_log(sample("no-apiversion.log"));
  EXPECT_EQ(r.stats.events, 2u);
  EXPECT_EQ(r.stats.malformed, 0u) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_EQ(std::count_if(r.alerts.begin(), r.alerts.end(), [](const auto& a) { return a.rule_id == "KG-AUD-007"; }),
            2);
  // A core Event (kind Event, apiVersion v1) is not an audit event, and neither is an object without audit fields.
  std::string error;
  EXPECT_TRUE(decode_all(R"({"kind":"Event","apiVersion":"v1","reason":"Pulled","verb":"x"})", &error).empty());
  EXPECT_NE(error, "");
  EXPECT_TRUE(decode_all(R"({"verb":"get","requestURI":"/api"})", &error).empty());
  EXPECT_NE(error, "");
}

TEST(AuditForms, ByteOrderMark) {
  Read r = read_log(sample("bom.log"));
  EXPECT_EQ(r.stats.events, 1u);
  EXPECT_EQ(r.stats.malformed, 0u) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_TRUE(r.has("KG-AUD-007"));
  EXPECT_EQ(decode_all("\xEF\xBB\xBF" + read_file(sample("bom.log")).substr(3)).size(), 1u);
}

TEST(AuditForms, AnIndentedObjectThatNeverClosesDoesNotSwallowTheRest) {
  Read r = read_log(sample("unclosed-object.log"));
  EXPECT_EQ(r.stats.events, 2u) << "both events after the open object are read";
  EXPECT_EQ(r.stats.malformed, 1u);
  ASSERT_FALSE(r.problems.empty());
  EXPECT_NE(r.problems[0].find("unclosed-object.log:1: JSON document not closed before line 35"), std::string::npos)
      << r.problems[0];
  EXPECT_NE(r.problems[0].find("34 line(s) skipped"), std::string::npos) << r.problems[0];
  EXPECT_EQ(std::count_if(r.alerts.begin(), r.alerts.end(), [](const auto& a) { return a.rule_id == "KG-AUD-007"; }),
            2);

  // Never closed at the end of the input: reported, not silent.
  ScratchFile cut(read_file(sample("unclosed-object.log")).substr(0, 400));
  Read end = read_log(cut.path);
  EXPECT_EQ(end.stats.events, 0u);
  EXPECT_EQ(end.stats.malformed, 1u);
  ASSERT_FALSE(end.problems.empty());
  EXPECT_NE(end.problems.back().find("not closed"), std::string::npos) << end.problems.back();
}

TEST(AuditForms, TheBinaryExitsTwoAndSaysWhatItSkipped) {
  std::string err = (fs::temp_directory_path() / fmt::format("kg-forms-{}.err", getpid())).string();
  GuardedRun run =
      run_guarded({"audit", "-f", "json", sample("unclosed-object.log")}, GuardedIo{"/dev/null", "/dev/null", err});
  EXPECT_EQ(run.code, 2);
  std::ifstream in(err);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("34 line(s) skipped"), std::string::npos) << text;
  EXPECT_NE(text.find("2 events"), std::string::npos) << text;
  fs::remove(err);
}

TEST(AuditForms, EveryTimestampForm) {
  const int64_t t = int64_t{1772442847} * 1'000'000;  // 2026-03-02T09:14:07Z
  EXPECT_EQ(audit::parse_time("2026-03-02T09:14:07Z"), t);
  EXPECT_EQ(audit::parse_time("2026-03-02T09:14:07.512345Z"), t + 512345);
  EXPECT_EQ(audit::parse_time("2026-03-02T09:14:07.512345678Z"), t + 512345) << "GKE nanoseconds";
  EXPECT_EQ(audit::parse_time("2026-03-02T09:14:07.5123456Z"), t + 512345) << "Azure's seven digits";
  EXPECT_EQ(audit::parse_time("2026-03-02t09:14:07z"), t);
  EXPECT_EQ(audit::parse_time("2026-03-02 09:14:07"), t) << "no zone: UTC (Log Analytics)";
  EXPECT_EQ(audit::parse_time("2026-03-02 09:14:07.000 UTC"), t);
  EXPECT_EQ(audit::parse_time("2026-03-02T10:14:07+01:00"), t);
  EXPECT_EQ(audit::parse_time("2026-03-02T10:14:07+0100"), t);
  EXPECT_EQ(audit::parse_time("2026-03-02T08:14:07-01"), t);
  EXPECT_EQ(audit::parse_time("2026-03-02T09:14:07,5Z"), t + 500000);
  EXPECT_EQ(audit::parse_time("1772442847"), t) << "epoch seconds";
  EXPECT_EQ(audit::parse_time("1772442847.25"), t + 250000);
  EXPECT_EQ(audit::parse_time("1772442847000"), t) << "epoch milliseconds";
  EXPECT_EQ(audit::parse_time("1772442847000.5"), t + 500);
  EXPECT_FALSE(audit::parse_time("99999999999999.9")) << "beyond milliseconds";
  EXPECT_EQ(audit::parse_time("9999999999999.9"), int64_t{9999999999999} * 1000 + 900) << "no overflow";
  EXPECT_FALSE(audit::parse_time("2026-13-02T09:14:07Z"));
  EXPECT_FALSE(audit::parse_time("2026-03-02T09:14:07+1"));
  EXPECT_FALSE(audit::parse_time("yesterday"));
  EXPECT_FALSE(audit::parse_time("42"));
}

TEST(AuditForms, SinceAppliesToEveryFormsTime) {
  // Every sample's events are from 2026-03-02; --since after them keeps the state but raises nothing.
  for (const char* name : {"gcloud-logging-read.json", "azure-records.json", "no-apiversion.log", "bom.log"}) {
    audit::DetectorOptions options;
    options.since_us = audit::parse_time("2026-03-03T00:00:00Z");
    audit::Detector late(catalog(), engine::Config{}, options);
    size_t alerts = 0;
    auto stats = audit::run_stream(
        sample(name), late, {}, [&](const audit::Alert&) { ++alerts; }, [](const auto&) {});
    EXPECT_GT(stats.events, 0u) << name;
    EXPECT_EQ(alerts, 0u) << name << ": every event has a time, before --since";
  }
}

TEST(AuditForms, FollowDoesNotLoseLinesWhenTheFileIsCopyTruncatedAndRewrittenBetweenPolls) {
  std::string path = (fs::temp_directory_path() / fmt::format("kg-forms-follow-{}.log", getpid())).string();
  auto line = [](char tag, int i) { return std::string(1, tag) + std::to_string(i) + std::string(60, tag) + "\n"; };
  {
    std::ofstream out(path, std::ios::trunc);
    for (int i = 0; i < 3; ++i) out << line('a', i);
  }
  audit::LineReaderOptions options;
  options.follow = true;
  options.poll_ms = 300;
  std::atomic<bool> stop{false};
  options.stop = [&] { return stop.load(); };
  audit::LineReader reader(path, options);
  std::vector<std::string> lines;
  std::mutex mutex;
  std::thread consumer([&] {
    for (;;) {
      audit::LineItem item = reader.next();
      if (item.status != audit::LineStatus::Line) break;
      std::lock_guard lock(mutex);
      lines.emplace_back(item.text);
    }
  });
  auto count = [&] {
    std::lock_guard lock(mutex);
    return lines.size();
  };
  for (int i = 0; i < 100 && count() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(count(), 3u);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the reader waits for more
  {
    // copytruncate, then the writer goes on: more bytes than were read, all before the next poll.
    std::ofstream out(path, std::ios::trunc);
    for (int i = 0; i < 5; ++i) out << line('b', i);
  }
  for (int i = 0; i < 150 && count() < 8; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop = true;
  consumer.join();
  std::lock_guard lock(mutex);
  ASSERT_EQ(lines.size(), 8u);
  for (int i = 0; i < 5; ++i) {
    std::string expected = line('b', i);
    expected.pop_back();
    EXPECT_EQ(lines[3 + static_cast<size_t>(i)], expected);
  }
  fs::remove(path);
}

}  // namespace
}  // namespace kg::testing
