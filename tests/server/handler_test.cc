// The HTTP routes without a network: status codes, bodies, metrics, the log
// line, and the audit hook.
#include "fronts/server/handler.h"

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
        std::string("verdict=denied"), std::string("KG-POD-001"), std::string("latency_ms=")}) {
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
