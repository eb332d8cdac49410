// Pod and workload writes (S1, S2, S3, S4's effect): every patch form, the
// full update, the Metadata level, approved injectors kept quiet.
#include <gtest/gtest.h>

#include "audit/alert_writer.h"
#include "audit/detections.h"
#include "audit_test_util.h"
#include "rules/fingerprint.h"

namespace kg::testing {
namespace {

using rules::Severity;

Ev deployment_create() {
  Ev ev;
  ev.resource = "deployments";
  ev.group = "apps";
  ev.request = deployment(container("app", "nginx:1.25"));
  ev.response = ev.request;
  return ev;
}

Ev deployment_patch(const std::string& patch, const std::string& after) {
  Ev ev;
  ev.verb = "patch";
  ev.resource = "deployments";
  ev.group = "apps";
  ev.id = "id-patch";
  ev.time = "2026-01-01T10:01:00Z";
  ev.request = patch;
  ev.response = after;
  return ev;
}

TEST(AuditWorkload, StrategicMergePatchAddingAContainerIsCritical) {
  auto d = make_detector();
  EXPECT_LT(worst(run(d, deployment_create())), Severity::High);
  auto alerts = run(
      d, deployment_patch(R"({"spec":{"template":{"spec":{"containers":[{"name":"miner","image":"xmrig/xmrig"}]}}}})",
                          deployment(container("app", "nginx:1.25") + "," + container("miner", "xmrig/xmrig"))));
  auto added = of_rule(alerts, "KG-AUD-001");
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0]->severity, Severity::Critical);
  EXPECT_EQ(evidence(*added[0], "container"), "miner");
  EXPECT_EQ(evidence(*added[0], "image"), "xmrig/xmrig");
  EXPECT_EQ(added[0]->audit_id, "id-patch");
  EXPECT_EQ(added[0]->object_ref.name, "web");
}

TEST(AuditWorkload, JsonPatchImageSwapIsReportedWithThePreviousImage) {
  auto d = make_detector();
  run(d, deployment_create());
  auto alerts = run(
      d, deployment_patch(R"([{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"evil/img:1"}])",
                          deployment(container("app", "evil/img:1"))));
  auto changed = of_rule(alerts, "KG-AUD-002");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0]->severity, Severity::High);
  EXPECT_EQ(evidence(*changed[0], "previousImage"), "nginx:1.25");
  EXPECT_EQ(evidence(*changed[0], "image"), "evil/img:1");
  EXPECT_TRUE(of_rule(alerts, "KG-AUD-001").empty());
}

TEST(AuditWorkload, JsonPatchWithoutEarlierStateIsReadFromTheOperations) {
  auto d = make_detector();  // the create is not in the log
  auto alerts = run(
      d,
      deployment_patch(
          R"([{"op":"add","path":"/spec/template/spec/containers/-","value":{"name":"miner","image":"xmrig/xmrig:6"}}])",
          deployment(container("app", "nginx") + "," + container("miner", "xmrig/xmrig:6"))));
  auto added = of_rule(alerts, "KG-AUD-001");
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0]->severity, Severity::Critical);
  EXPECT_EQ(evidence(*added[0], "container"), "miner");
  auto swap =
      run(d, deployment_patch(R"([{"op":"replace","path":"/spec/template/spec/containers/1/image","value":"x/y:2"}])",
                              deployment(container("app", "nginx") + "," + container("miner", "x/y:2"))));
  // The earlier state is now known (the previous response): a plain image change.
  ASSERT_EQ(of_rule(swap, "KG-AUD-002").size(), 1u);
  EXPECT_EQ(evidence(*of_rule(swap, "KG-AUD-002")[0], "container"), "miner");
}

TEST(AuditWorkload, MergePatchWithoutEarlierStateIsFlaggedWithLowerConfidence) {
  auto d = make_detector();
  auto alerts =
      run(d, deployment_patch(R"({"spec":{"template":{"spec":{"containers":[{"name":"app","image":"evil/app:2"}]}}}})",
                              deployment(container("app", "evil/app:2"))));
  auto written = of_rule(alerts, "KG-AUD-001");
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0]->severity, Severity::High);
  EXPECT_EQ(evidence(*written[0], "confidence"), "lower: earlier state unknown");
}

TEST(AuditWorkload, CommandChangeIsReportedAndCredentialsInArgsAreRedacted) {
  auto d = make_detector();
  run(d, deployment_create());
  auto alerts = run(
      d, deployment_patch(
             R"({"spec":{"template":{"spec":{"containers":[{"name":"app","args":["--token=s3cr3tvalue","run"]}]}}}})",
             deployment(container("app", "nginx:1.25", R"(,"args":["--token=s3cr3tvalue","run"])"))));
  auto changed = of_rule(alerts, "KG-AUD-003");
  ASSERT_EQ(changed.size(), 1u);
  std::ostringstream out;
  audit::write_alert_json(out, *changed[0], "t");
  EXPECT_EQ(out.str().find("s3cr3tvalue"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("--token=<redacted>"), std::string::npos) << out.str();
}

TEST(AuditWorkload, FullUpdateAndServerSideApplyAreComparedWithTheLastKnownState) {
  auto d = make_detector();
  run(d, deployment_create());
  Ev put = deployment_patch(deployment(container("app", "nginx:1.25") + "," + container("helper", "busybox")),
                            deployment(container("app", "nginx:1.25") + "," + container("helper", "busybox")));
  put.verb = "update";
  auto alerts = run(d, put);
  ASSERT_EQ(of_rule(alerts, "KG-AUD-001").size(), 1u);
  EXPECT_EQ(evidence(*of_rule(alerts, "KG-AUD-001")[0], "container"), "helper");

  // kubectl apply --server-side: a patch whose body is the whole applied object.
  Ev apply = deployment_patch(deployment(container("app", "nginx:1.26") + "," + container("helper", "busybox")),
                              deployment(container("app", "nginx:1.26") + "," + container("helper", "busybox")));
  apply.uri = "/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=kubectl&force=false";
  auto applied = run(d, apply);
  ASSERT_EQ(of_rule(applied, "KG-AUD-002").size(), 1u);
  EXPECT_TRUE(of_rule(applied, "KG-AUD-001").empty());
}

TEST(AuditWorkload, OrdinaryWritesRaiseNothing) {
  auto d = make_detector();
  auto created = run(d, deployment_create());
  EXPECT_TRUE(of_rule(created, "KG-AUD-001").empty());
  // Rollout restart: a patch of the template's annotations.
  auto restart = run(
      d,
      deployment_patch(
          R"({"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-01-01T10:01:00Z"}}}}})",
          deployment(container("app", "nginx:1.25"), "",
                     R"({"kubectl.kubernetes.io/restartedAt":"2026-01-01T10:01:00Z"})")));
  EXPECT_TRUE(restart.empty()) << restart[0].rule_id;
  // Scale through the scale subresource.
  Ev scale = deployment_patch(R"({"spec":{"replicas":3}})", "");
  scale.subresource = "scale";
  EXPECT_TRUE(run(d, scale).empty());
  Ev del = deployment_patch("", "");
  del.verb = "delete";
  EXPECT_TRUE(run(d, del).empty());
}

TEST(AuditWorkload, MetadataLevelWriteIsFlaggedWithLowerConfidence) {
  auto d = make_detector();
  Ev ev = deployment_patch("", "");
  ev.level = "Metadata";
  auto alerts = run(d, ev);
  auto unseen = of_rule(alerts, "KG-AUD-004");
  ASSERT_EQ(unseen.size(), 1u);
  EXPECT_EQ(unseen[0]->severity, Severity::Medium);
  // The same write by a control-plane controller is not.
  ev.user = "system:serviceaccount:kube-system:deployment-controller";
  EXPECT_TRUE(of_rule(run(d, ev), "KG-AUD-004").empty());
}

TEST(AuditWorkload, ApprovedSidecarAddedByPatchIsNotHigh) {
  auto d = make_detector();
  run(d, deployment_create());
  std::string istio = container("istio-proxy", "docker.io/istio/proxyv2:1.22.0");
  std::string status = R"({"sidecar.istio.io/status":"{\"containers\":[\"istio-proxy\"],\"initContainers\":[]}"})";
  auto alerts = run(
      d,
      deployment_patch(
          R"({"spec":{"template":{"spec":{"containers":[{"name":"istio-proxy","image":"docker.io/istio/proxyv2:1.22.0"}]}}}})",
          deployment(container("app", "nginx:1.25") + "," + istio, "", status)));
  ASSERT_EQ(of_rule(alerts, "KG-AUD-001").size(), 1u);
  EXPECT_LT(worst(alerts), Severity::High);
}

TEST(AuditWorkload, SidecarImpersonationByPatchIsCritical) {
  auto d = make_detector();
  std::string status = R"({"sidecar.istio.io/status":"{\"containers\":[\"istio-proxy\"],\"initContainers\":[]}"})";
  Ev create = deployment_create();
  create.request = create.response = deployment(
      container("app", "nginx:1.25") + "," + container("istio-proxy", "docker.io/istio/proxyv2:1.22.0"), "", status);
  run(d, create);
  auto alerts = run(
      d, deployment_patch(
             R"([{"op":"replace","path":"/spec/template/spec/containers/1/image","value":"evil.example/proxyv2:1"}])",
             deployment(container("app", "nginx:1.25") + "," + container("istio-proxy", "evil.example/proxyv2:1"), "",
                        status)));
  auto changed = of_rule(alerts, "KG-AUD-002");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0]->severity, Severity::Critical);
}

TEST(AuditWorkload, ContainerAddedAtAdmissionIsReportedUnlessApproved) {
  auto d = make_detector();
  Ev ev;
  ev.request = pod(container("app", "nginx"));
  ev.response = pod(container("app", "nginx") + "," + container("helper", "evil.example/agent:1"));
  auto alerts = run(d, ev);
  auto injected = of_rule(alerts, "KG-AUD-005");
  ASSERT_EQ(injected.size(), 1u);
  EXPECT_EQ(evidence(*injected[0], "container"), "helper");

  // istio's injector adding istio-proxy (with its status annotation) is expected.
  Ev istio;
  istio.name = "web2";
  istio.request = pod(container("app", "nginx"), "", "web2");
  istio.response =
      R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":"web2","namespace":"shop","annotations":{"sidecar.istio.io/status":"{\"containers\":[\"istio-proxy\"],\"initContainers\":[]}"}},"spec":{"containers":[{"name":"app","image":"nginx"},{"name":"istio-proxy","image":"docker.io/istio/proxyv2:1.22.0"}]}})";
  EXPECT_TRUE(of_rule(run(d, istio), "KG-AUD-005").empty());
}

TEST(AuditWorkload, ServiceAccountWritingWorkloadsWithCurlIsNoted) {
  auto d = make_detector();
  run(d, deployment_create());
  Ev ev = deployment_patch(R"({"spec":{"template":{"spec":{"containers":[{"name":"miner","image":"xmrig/xmrig"}]}}}})",
                           deployment(container("app", "nginx:1.25") + "," + container("miner", "xmrig/xmrig")));
  ev.user = "system:serviceaccount:shop:builder";
  ev.groups = {"system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated"};
  ev.user_agent = "curl/7.88.1";
  ev.ip = "10.244.1.7";
  auto alerts = run(d, ev);
  auto sa = of_rule(alerts, "KG-AUD-008");
  ASSERT_EQ(sa.size(), 1u);
  EXPECT_EQ(sa[0]->severity, Severity::High);
  EXPECT_EQ(evidence(*sa[0], "userAgentNote"), "curl (hand-made API call)");
  EXPECT_NE(evidence(*sa[0], "sourceNote").find("10.244.1.7"), std::string::npos);
  EXPECT_EQ(of_rule(alerts, "KG-AUD-001").size(), 1u);
  // Controllers are not reported.
  Ev rs = deployment_create();
  rs.resource = "replicasets";
  rs.user = "system:serviceaccount:kube-system:deployment-controller";
  EXPECT_TRUE(run(d, rs).empty());
}

TEST(AuditWorkload, EphemeralContainerIsReportedWithItsImage) {
  auto d = make_detector();
  Ev create;
  create.request = create.response = pod(container("app", "nginx"));
  run(d, create);
  Ev ev;
  ev.verb = "patch";
  ev.subresource = "ephemeralcontainers";
  ev.request = R"({"spec":{"ephemeralContainers":[{"name":"dbg","image":"busybox","command":["sh"]}]}})";
  ev.response =
      R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":"web","namespace":"shop"},"spec":{"containers":[{"name":"app","image":"nginx"}],"ephemeralContainers":[{"name":"dbg","image":"busybox","command":["sh"]}]}})";
  auto alerts = run(d, ev);
  auto eph = of_rule(alerts, "KG-AUD-006");
  ASSERT_EQ(eph.size(), 1u);
  EXPECT_EQ(eph[0]->severity, Severity::High);
  EXPECT_EQ(evidence(*eph[0], "container"), "dbg");
  EXPECT_EQ(evidence(*eph[0], "image"), "busybox");
  EXPECT_TRUE(of_rule(alerts, "KG-AUD-001").empty());
}

TEST(AuditWorkload, PrivilegedHostPodIsJudgedByTheScanCatalog) {
  auto d = make_detector();
  Ev ev;
  ev.request = ev.response =
      pod(container(
              "app", "nginx",
              R"(,"securityContext":{"privileged":true},"env":[{"name":"DB_PASSWORD","value":"hunter2-very-secret"}])"),
          R"(,"hostNetwork":true,"hostPID":true,"volumes":[{"name":"root","hostPath":{"path":"/"}}])");
  auto alerts = run(d, ev);
  auto risky = of_rule(alerts, "KG-AUD-017");
  ASSERT_EQ(risky.size(), 1u);
  EXPECT_GE(risky[0]->severity, Severity::High);
  // The scan rules that fired are named: the same verdict as `kubeguard scan`.
  auto scan = scan_text(ev.request);
  for (const auto& f : scan.findings) {
    if (f.severity >= Severity::High && !f.suppressed && !audit::reports_an_omission(f)) {
      EXPECT_NE(risky[0]->message.find(f.rule_id), std::string::npos) << f.rule_id;
    }
  }
  std::ostringstream out;
  for (const auto& a : alerts) audit::write_alert_json(out, a, "t");
  EXPECT_EQ(out.str().find("hunter2-very-secret"), std::string::npos);
}

TEST(AuditWorkload, ScanFindingsOfACreatedPodAreReportedUnderTheirOwnRules) {
  // runAsUser: 0 written out is KG-POD-003 at high, as scan reports it; a
  // pod that sets nothing gets the same rule at info (a default left unset,
  // which nearly every pod has), so the stream keeps its signal.
  auto d = make_detector();
  Ev ev;
  ev.code = 201;
  ev.request = ev.response = pod(container("app", "nginx:1.27", R"(,"securityContext":{"runAsUser":0})"));
  auto created = run(d, ev);
  auto root = of_rule(created, "KG-POD-003");
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(root[0]->severity, Severity::High);
  EXPECT_EQ(root[0]->path, "spec.containers[0].securityContext.runAsUser");
  EXPECT_EQ(root[0]->container, "app");
  auto scan = findings_of("KG-POD-003", ev.request);
  ASSERT_EQ(scan.size(), 1u);
  EXPECT_EQ(rules::fingerprint(audit::finding_of(*root[0])), rules::fingerprint(scan[0]));

  Ev unset = ev;
  unset.name = "plain";
  unset.id = "id-2";
  unset.request = unset.response = pod(container("app", "nginx:1.27"), "", "plain");
  auto alerts = run(d, unset);
  auto omission = of_rule(alerts, "KG-POD-003");
  ASSERT_EQ(omission.size(), 1u);
  EXPECT_EQ(omission[0]->severity, Severity::Info);
  EXPECT_TRUE(of_rule(alerts, "KG-AUD-017").empty());
}

TEST(AuditWorkload, PodCreatedInKubeSystemByAUser) {
  auto d = make_detector();
  Ev ev;
  ev.ns = "kube-system";
  ev.request = ev.response =
      R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":"web","namespace":"kube-system"},"spec":{"containers":[{"name":"app","image":"nginx"}]}})";
  EXPECT_EQ(of_rule(run(d, ev), "KG-AUD-019").size(), 1u);
  ev.user = "system:serviceaccount:shop:builder";
  EXPECT_EQ(of_rule(run(d, ev), "KG-AUD-019").size(), 1u);
  ev.user = "system:serviceaccount:kube-system:daemon-set-controller";
  EXPECT_TRUE(of_rule(run(d, ev), "KG-AUD-019").empty());
}

}  // namespace
}  // namespace kg::testing
