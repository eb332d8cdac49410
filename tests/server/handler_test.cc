// The HTTP routes without a network: status codes, bodies, metrics, the log
// line, and the audit hook.
#include "fronts/server/handler.h"

#include <ctime>
#include <mutex>

#include <gtest/gtest.h>

#include "admission/review_support.h"
#include "support/test_support.h"

namespace kg::server {
namespace {

constexpr std::string_view kPrivilegedPod =
    "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n"
    "  - name: web\n    image: nginx:1.27\n    env: [{name: API_TOKEN, value: s3cr3t-v4lue}]\n"
    "    securityContext: {privileged: true}\n";

struct Logged {
  std::mutex mu;
  std::vector<std::string> lines;
  LogSink sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mu);
      lines.emplace_back(line);
    };
  }
};

TEST(ServerHandler, ValidateAnswersWithTheDecisionAndLogsOneLine) {
  Logged logged;
  Handler handler(testing::catalog(), {}, {}, logged.sink());
  testing::ReviewSpec spec;
  spec.object_yaml = std::string(kPrivilegedPod);
  HttpReply reply = handler.handle("POST", "/validate?timeout=10s", testing::review_json(spec));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "application/json");
  EXPECT_NE(reply.body.find("\"allowed\":false"), std::string::npos) << reply.body;
  EXPECT_NE(reply.body.find(spec.uid), std::string::npos);
  ASSERT_EQ(logged.lines.size(), 1u);
  const std::string& line = logged.lines[0];
  for (std::string_view part :
       {"uid=" + spec.uid, std::string("kind=Pod"), std::string("op=CREATE"), std::string("object=shop/web"),
        std::string("verdict=denied"), std::string("KG-POD-001:critical"), std::string("latency_ms=")}) {
    EXPECT_NE(line.find(part), std::string::npos) << part << " in " << line;
  }
  // The object never reaches the log: not its values, not its fields.
  EXPECT_EQ(line.find("s3cr3t"), std::string::npos) << line;
  EXPECT_EQ(line.find("nginx"), std::string::npos) << line;
}

TEST(ServerHandler, BadRequestsGet400And404And405) {
  Logged logged;
  Handler handler(testing::catalog(), {}, {}, logged.sink());
  HttpReply bad = handler.handle("POST", "/validate", "{not json");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("malformed JSON"), std::string::npos) << bad.body;
  HttpReply kind = handler.handle("POST", "/validate", R"({"apiVersion":"v1","kind":"Pod"})");
  EXPECT_EQ(kind.status, 400);
  EXPECT_NE(kind.body.find("expected AdmissionReview"), std::string::npos) << kind.body;
  EXPECT_EQ(handler.handle("GET", "/validate", "").status, 405);
  EXPECT_EQ(handler.handle("GET", "/nope", "").status, 404);
  EXPECT_EQ(handler.handle("POST", "/healthz", "").status, 405);
  EXPECT_EQ(handler.handle("POST", "/validate", std::string(kMaxBodyBytes + 1, ' ')).status, 413);
  std::string metrics = handler.handle("GET", "/metrics", "").body;
  EXPECT_NE(metrics.find("kubeguard_http_refused_total{code=\"400\"} 2"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("kubeguard_http_refused_total{code=\"413\"} 1"), std::string::npos) << metrics;
}

TEST(ServerHandler, HealthReadinessAndDrain) {
  Handler handler(testing::catalog(), {}, {}, nullptr);
  EXPECT_EQ(handler.handle("GET", "/healthz", "").status, 200);
  EXPECT_EQ(handler.handle("GET", "/readyz", "").status, 200);
  handler.set_draining();
  EXPECT_EQ(handler.handle("GET", "/readyz", "").status, 503);
  EXPECT_EQ(handler.handle("GET", "/healthz", "").status, 200);
}

TEST(ServerHandler, MetricsCountKindOperationVerdictLatencyAndRules) {
  Handler handler(testing::catalog(), {}, {}, nullptr);
  testing::ReviewSpec spec;
  spec.object_yaml = std::string(kPrivilegedPod);
  handler.handle("POST", "/validate", testing::review_json(spec));
  handler.handle("POST", "/validate", testing::review_json(spec));
  spec.name_space = "kube-system";
  handler.handle("POST", "/validate", testing::review_json(spec));
  HttpReply reply = handler.handle("GET", "/metrics", "");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = reply.body;
  EXPECT_NE(m.find("kubeguard_admission_requests_total{kind=\"Pod\",operation=\"CREATE\",verdict=\"denied\"} 2"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("kubeguard_admission_requests_total{kind=\"Pod\",operation=\"CREATE\",verdict=\"exempt\"} 1"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("kubeguard_admission_duration_seconds_count 3"), std::string::npos) << m;
  EXPECT_NE(m.find("kubeguard_admission_duration_seconds_bucket{le=\"+Inf\"} 3"), std::string::npos) << m;
  EXPECT_NE(m.find("# TYPE kubeguard_admission_duration_seconds histogram"), std::string::npos) << m;
  EXPECT_NE(m.find("kubeguard_admission_rule_hits_total{rule=\"KG-POD-001\"} 2"), std::string::npos) << m;
}

// kubeguard_build_info and the process metrics Prometheus expects; every
// metric the example alert rules of deploy/ read is one /metrics serves.
TEST(ServerHandler, MetricsCarryBuildInfoProcessMetricsAndWhatTheAlertRulesRead) {
  Handler handler(testing::catalog(), {}, {}, nullptr);
  // The server's own gauges are the server's to test (attack_test.cc); here, their names.
  handler.set_gauges([] {
    return std::string("kubeguard_request_memory_reserved_bytes 0\nkubeguard_request_memory_limit_bytes 1\n");
  });
  std::string m = handler.handle("GET", "/metrics", "").body;
  EXPECT_NE(m.find("kubeguard_build_info{version=\"" KG_VERSION "\""), std::string::npos) << m;
  for (std::string_view name : {"process_cpu_seconds_total ", "process_resident_memory_bytes ", "process_open_fds ",
                                "process_max_fds ", "process_start_time_seconds ", "process_virtual_memory_bytes "}) {
    EXPECT_NE(m.find(std::string("\n") + std::string(name)), std::string::npos) << name;
  }
  size_t rss_at = m.find("\nprocess_resident_memory_bytes ");
  ASSERT_NE(rss_at, std::string::npos);
  EXPECT_GT(std::stod(m.substr(rss_at + 31)), 1e6);  // this test process holds more than a megabyte
  size_t start_at = m.find("\nprocess_start_time_seconds ");
  ASSERT_NE(start_at, std::string::npos);
  double started = std::stod(m.substr(start_at + 28));
  double now = static_cast<double>(std::time(nullptr));
  EXPECT_LT(started, now + 1);
  EXPECT_GT(started, now - 24 * 3600);

  std::string rules = testing::read_file(testing::source("deploy/monitoring/prometheus-rules.yaml"));
  size_t checked = 0;
  for (std::string_view prefix : {"kubeguard_", "process_"}) {
    for (size_t at = rules.find(prefix); at != std::string::npos; at = rules.find(prefix, at + 1)) {
      size_t end = rules.find_first_not_of("abcdefghijklmnopqrstuvwxyz_", at);
      std::string name = rules.substr(at, end - at);
      if (name.ends_with("_bucket")) name.resize(name.size() - 7);
      bool served = m.find(name + " ") != std::string::npos || m.find(name + "{") != std::string::npos;
      EXPECT_TRUE(served) << name << " is read by an alert rule but not served";
      ++checked;
    }
  }
  EXPECT_GE(checked, 7u);
}

TEST(ServerHandler, AuditRouteIs501UntilAHookIsSet) {
  Handler handler(testing::catalog(), {}, {}, nullptr);
  HttpReply off = handler.handle("POST", "/audit", R"({"kind":"EventList","items":[]})");
  EXPECT_EQ(off.status, 501);
  EXPECT_NE(off.body.find("not enabled in this build"), std::string::npos);
  std::string seen;
  handler.set_audit_hook([&seen](std::string_view body) {
    seen = std::string(body);
    return HttpReply{200, "application/json", "{\"alerts\":[]}"};
  });
  HttpReply on = handler.handle("POST", "/audit", R"({"kind":"EventList","items":[]})");
  EXPECT_EQ(on.status, 200);
  EXPECT_EQ(seen, R"({"kind":"EventList","items":[]})");
  EXPECT_EQ(handler.handle("GET", "/audit", "").status, 405);
}

}  // namespace
}  // namespace kg::server
