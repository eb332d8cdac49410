// An AUD alert's severity is its rule's metadata's: the rule's own, or the
// severity case the detection names (KG-AUD-007: shell, dangerous, denied),
// and a severity override in the configuration replaces all of them, as it
// does for a scan rule.
#include <gtest/gtest.h>

#include "audit_test_util.h"
#include "rules/aud/aud_rules.h"

namespace kg::testing {
namespace {

using rules::aud::AudRule;

Ev exec_event(const std::string& command, bool denied = false) {
  Ev ev;
  ev.subresource = "exec";
  ev.uri = "/api/v1/namespaces/shop/pods/web/exec?command=" + command;
  ev.id = "exec-" + command;
  if (denied) {
    ev.decision = "forbid";
    ev.code = 403;
  }
  return ev;
}

rules::Severity exec_severity(audit::Detector& d, const std::string& command, bool denied = false) {
  auto alerts = run(d, exec_event(command, denied));
  auto exec = of_rule(alerts, "KG-AUD-007");
  EXPECT_EQ(exec.size(), 1u) << command;
  return exec.empty() ? rules::Severity::Info : exec[0]->severity;
}

TEST(AuditSeverity, ExecAlertsTakeTheirCaseFromTheMetadata) {
  const rules::GradedRule meta = rules::aud::graded(AudRule::ExecIntoPod);
  audit::Detector d = make_detector();
  EXPECT_EQ(exec_severity(d, "ls"), meta.meta->severity);
  EXPECT_EQ(exec_severity(d, "bash"), meta.severity_of("shell"));
  EXPECT_EQ(exec_severity(d, "xmrig"), meta.severity_of("dangerous"));
  EXPECT_EQ(exec_severity(d, "sh", true), meta.severity_of("denied"));
  // The cases are four distinct severities, so each check above tells them apart.
  EXPECT_EQ(meta.meta->severity, rules::Severity::Medium);
  EXPECT_EQ(meta.severity_of("shell"), rules::Severity::High);
  EXPECT_EQ(meta.severity_of("dangerous"), rules::Severity::Critical);
  EXPECT_EQ(meta.severity_of("denied"), rules::Severity::Low);
}

TEST(AuditSeverity, AnOverrideReplacesTheRuleAndEveryCase) {
  engine::Config config;
  config.severity_overrides["KG-AUD-007"] = rules::Severity::Info;
  audit::Detector d = make_detector(std::move(config));
  for (const char* command : {"ls", "bash", "xmrig"}) EXPECT_EQ(exec_severity(d, command), rules::Severity::Info);
  EXPECT_EQ(exec_severity(d, "sh", true), rules::Severity::Info);
}

TEST(AuditSeverity, ServiceAccountWritesTakeTheirCasesFromTheMetadata) {
  const rules::GradedRule meta = rules::aud::graded(AudRule::ServiceAccountPodWrite);
  audit::Detector d = make_detector();
  Ev write;
  write.user = "system:serviceaccount:shop:builder";
  write.groups = {"system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated"};
  write.verb = "patch";
  write.id = "sa-patch";
  auto alerts = run(d, write);
  ASSERT_EQ(of_rule(alerts, "KG-AUD-008").size(), 1u);
  EXPECT_EQ(of_rule(alerts, "KG-AUD-008")[0]->severity, meta.meta->severity);
  write.subresource = "scale";
  write.id = "sa-scale";
  alerts = run(d, write);
  ASSERT_EQ(of_rule(alerts, "KG-AUD-008").size(), 1u);
  EXPECT_EQ(of_rule(alerts, "KG-AUD-008")[0]->severity, meta.severity_of("scale"));
  write.subresource.clear();
  write.decision = "forbid";
  write.code = 403;
  write.id = "sa-denied";
  alerts = run(d, write);
  ASSERT_EQ(of_rule(alerts, "KG-AUD-008").size(), 1u);
  EXPECT_EQ(of_rule(alerts, "KG-AUD-008")[0]->severity, meta.severity_of("denied"));
}

}  // namespace
}  // namespace kg::testing
