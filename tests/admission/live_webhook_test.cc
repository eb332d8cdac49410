// End to end: the real API server calls the real `kubeguard serve` on
// 127.0.0.1 through a ValidatingWebhookConfiguration that selects only this
// test's own namespace. Enforce mode denies a privileged pod and the S1, S2
// and S3 scenarios (kubectl and curl print the rule); istio- and
// linkerd-injected workloads of the corpus are admitted; warn mode admits the
// same requests with warnings. Skipped when no control plane runs (see
// tests/cluster/live_cluster.h).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "admission/review_support.h"
#include "cluster/live_cluster.h"
#include "server/child_process.h"
#include "server/tls_support.h"
#include "support/test_support.h"

namespace kg::admission {
namespace {

using namespace std::chrono_literals;

std::string kubectl_dir() {
  const char* home = std::getenv("HOME");
  std::string cached = std::string(home != nullptr ? home : "/root") + "/.cache/kubeguard/controlplane/v1.33.13/bin";
  if (std::filesystem::exists(cached + "/kubectl")) return cached;
  if (std::filesystem::exists("/tmp/kubectl-try/kubectl")) return "/tmp/kubectl-try";
  return "";  // the kubectl on PATH
}

std::string base64_file(const std::string& path) {
  std::string out;
  kg::testing::live_detail::run("base64 -w0 " + kg::testing::live_detail::quote(path), &out);
  return out;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

class LiveWebhookTest {
 public:
  LiveWebhookTest(const kg::testing::LiveCluster& cluster, std::string ns) : cluster_(cluster), ns_(std::move(ns)) {
    std::string dir = kubectl_dir();
    path_ = dir.empty() ? std::string() : "export PATH=" + kg::testing::live_detail::quote(dir) + ":\"$PATH\"; ";
  }

  // Runs a shell command with this cluster's kubeconfig and kubectl; output
  // and errors together in `out`.
  int sh(const std::string& command, std::string* out = nullptr) const {
    std::string text;
    int code = kg::testing::run_with_kubeconfig(cluster_, path_ + "{ " + command + "; } 2>&1", &text);
    if (out != nullptr) *out = std::move(text);
    return code;
  }

  // kubectl in the test namespace with `yaml` on standard input.
  int kubectl_stdin(const std::string& args, const std::string& yaml, std::string* out) const {
    return sh("printf '%s' " + kg::testing::live_detail::quote(yaml) + " | kubectl -n " + ns_ + " " + args, out);
  }

  const std::string& ns() const { return ns_; }

 private:
  const kg::testing::LiveCluster& cluster_;
  std::string ns_;
  std::string path_;
};

constexpr std::string_view kHardenedSpec = R"(
      serviceAccountName: default
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: web
        image: registry.example.com/shop/web:1.4.2
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
        resources:
          requests: {cpu: 10m, memory: 16Mi}
          limits: {cpu: 100m, memory: 64Mi}
)";

std::string deployment_yaml() {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: target\nspec:\n  replicas: 1\n"
         "  selector: {matchLabels: {app: web}}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:" +
         std::string(kHardenedSpec);
}

std::string pod_yaml(std::string_view name, bool privileged) {
  std::string spec(kHardenedSpec);
  // The pod spec sits two levels less deep than in a template.
  std::string out;
  size_t start = 1;
  while (start < spec.size()) {
    size_t end = spec.find('\n', start);
    out += spec.substr(start + 4, end - start - 4) + "\n";
    start = end + 1;
  }
  if (privileged) out += "    securityContext: {privileged: true}\n";
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + std::string(name) + "\nspec:\n" + out;
}

std::string webhook_yaml(const std::string& name, const std::string& ns, unsigned short port,
                         const std::string& ca_bundle) {
  return "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: " +
         name +
         "\nwebhooks:\n- name: validate.kubeguard.io\n  admissionReviewVersions: [v1]\n  sideEffects: None\n"
         "  failurePolicy: Fail\n  timeoutSeconds: 5\n  clientConfig:\n    url: https://127.0.0.1:" +
         std::to_string(port) + "/validate\n    caBundle: " + ca_bundle +
         "\n  namespaceSelector:\n    matchLabels:\n      kubernetes.io/metadata.name: " + ns +
         "\n  rules:\n"
         "  - {apiGroups: [''], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods, "
         "pods/ephemeralcontainers], scope: Namespaced}\n"
         "  - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments, "
         "statefulsets, daemonsets, replicasets], scope: Namespaced}\n"
         "  - {apiGroups: [batch], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [jobs, cronjobs], "
         "scope: Namespaced}\n"
         "  - {apiGroups: [rbac.authorization.k8s.io], apiVersions: [v1], operations: [CREATE, UPDATE], "
         "resources: [rolebindings], scope: Namespaced}\n";
}

// The corpus file with its namespace removed, so it lands in the test's one.
std::string corpus_without_namespace(std::string_view relative) {
  std::string text = kg::testing::read_file(kg::testing::corpus(relative));
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
    if (!line.starts_with("  namespace: ")) out += line;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

struct Curl {
  int http_status = 0;
  std::string headers;
  std::string body;
};

// S2: what a compromised pod does with its service-account token and curl.
// The token goes through a 0600 file, never a command line or a log.
Curl curl_patch(const LiveWebhookTest& t, const std::string& dir, const std::string& token, const std::string& path,
                const std::string& patch) {
  std::string server, ca;
  t.sh("kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.server}'", &server);
  t.sh("kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority}'", &ca);
  std::string header = dir + "/auth-header";
  {
    std::ofstream out(header, std::ios::trunc);
    out << "Authorization: Bearer " << token << "\n";
  }
  std::filesystem::permissions(header, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::string code;
  t.sh("curl -sS -A curl/8.5.0 --cacert " + ca + " -H @" + header +
           " -H 'Content-Type: application/strategic-merge-patch+json' -X PATCH -D " + dir + "/curl.headers -o " + dir +
           "/curl.body -w '%{http_code}' --data " + kg::testing::live_detail::quote(patch) + " " + server + path,
       &code);
  std::filesystem::remove(header);
  Curl c;
  c.http_status = std::atoi(code.c_str());
  c.headers = kg::testing::read_file(dir + "/curl.headers");
  c.body = kg::testing::read_file(dir + "/curl.body");
  return c;
}

TEST(LiveWebhook, EnforceDeniesTheScenariosWarnAdmitsThemWithWarnings) {
  std::string why;
  auto live = kg::testing::live_cluster(&why);
  if (!live) GTEST_SKIP() << why;

  kg::testing::TestPki pki;
  ASSERT_TRUE(pki.ok());
  std::string policy = pki.path("policy.yaml");
  { std::ofstream(policy) << kg::testing::kInjectionPolicy; }
  auto serve = [&](const char* mode) {
    return std::make_unique<kg::testing::Child>(
        std::vector<std::string>{KG_BINARY, "serve", "--tls-cert", pki.path("server.crt"), "--tls-key",
                                 pki.path("server.key"), "--listen", "127.0.0.1:0", "--threads", "2", "--mode", mode,
                                 "--config", policy},
        pki.path(std::string(mode) + ".log"));
  };
  auto enforce = serve("enforce");
  auto warn = serve("warn");
  unsigned short enforce_port = enforce->port(10s);
  unsigned short warn_port = warn->port(10s);
  ASSERT_NE(enforce_port, 0) << enforce->log();
  ASSERT_NE(warn_port, 0) << warn->log();

  std::random_device random;
  std::string ns = "kg-webhook-" + std::to_string(getpid()) + "-" + std::to_string(random() % 100000);
  std::string webhook = "kg-test-" + ns;
  LiveWebhookTest t(*live, ns);
  // Removes the webhook first (it must never outlive the test), then the namespace.
  struct Cleanup {
    const LiveWebhookTest& t;
    std::string webhook;
    ~Cleanup() {
      t.sh("kubectl delete validatingwebhookconfiguration " + webhook + " --ignore-not-found >/dev/null");
      t.sh("kubectl delete namespace " + t.ns() + " --wait=false >/dev/null");
    }
  } cleanup{t, webhook};

  std::string out;
  ASSERT_EQ(t.sh("kubectl create namespace " + ns + " && " + kg::testing::wait_for_default_service_account(ns), &out),
            0)
      << out;
  // What the scenarios attack, created before the webhook exists.
  ASSERT_EQ(t.kubectl_stdin("apply -f -", deployment_yaml(), &out), 0) << out;
  ASSERT_EQ(t.kubectl_stdin("apply -f -", pod_yaml("web", false), &out), 0) << out;
  ASSERT_EQ(t.sh("kubectl -n " + ns + " create serviceaccount intruder && kubectl -n " + ns +
                     " create role patcher --verb=get,patch --resource=deployments.apps && kubectl -n " + ns +
                     " create rolebinding intruder-patcher --role=patcher --serviceaccount=" + ns + ":intruder",
                 &out),
            0)
      << out;

  std::string ca_bundle = base64_file(pki.path("ca.crt"));
  ASSERT_FALSE(ca_bundle.empty());
  ASSERT_EQ(t.kubectl_stdin("apply -f -", webhook_yaml(webhook, ns, enforce_port, ca_bundle), &out), 0) << out;

  // The API server picks up webhook configurations asynchronously: wait until
  // a server-side dry run of a privileged pod reaches kubeguard.
  std::string privileged = pod_yaml("root", true);
  auto wait_for = [&](std::string_view expected) {
    for (int i = 0; i < 60; ++i) {
      t.kubectl_stdin("create --dry-run=server -f -", privileged, &out);
      if (contains(out, expected)) return true;
      std::this_thread::sleep_for(500ms);
    }
    return false;
  };
  ASSERT_TRUE(wait_for("denied the request")) << out << enforce->log();

  // A privileged pod.
  EXPECT_NE(t.kubectl_stdin("apply -f -", privileged, &out), 0);
  EXPECT_TRUE(contains(out, "denied the request")) << out;
  EXPECT_TRUE(contains(out, "[KG-POD-001] spec.containers[0].securityContext.privileged")) << out;

  // S1: a container added to the Deployment (JSON patch), an image swapped
  // (kubectl set image) on the Deployment and on the pod.
  EXPECT_NE(t.sh("kubectl -n " + ns +
                     " patch deployment target --type=json -p "
                     "'[{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/-\","
                     "\"value\":{\"name\":\"miner\",\"image\":\"docker.io/xmrig/xmrig:6.21.0\"}}]'",
                 &out),
            0);
  EXPECT_TRUE(contains(out, "KG-DRIFT-001")) << out;
  EXPECT_NE(t.sh("kubectl -n " + ns + " set image deployment/target web=docker.io/xmrig/xmrig:6.21.0", &out), 0);
  EXPECT_TRUE(contains(out, "[KG-DRIFT-002] spec.template.spec.containers[0].image")) << out;
  EXPECT_NE(t.sh("kubectl -n " + ns + " set image pod/web web=docker.io/xmrig/xmrig:6.21.0", &out), 0);
  EXPECT_TRUE(contains(out, "KG-DRIFT-002")) << out;
  // A new tag of the same repository is a rollout, not an attack.
  EXPECT_EQ(t.sh("kubectl -n " + ns + " set image deployment/target web=registry.example.com/shop/web:1.4.3", &out), 0)
      << out;

  // S2: curl with a token from the TokenRequest API; RBAC allows the patch,
  // kubeguard refuses it.
  std::string token;
  ASSERT_EQ(kg::testing::run_with_kubeconfig(*live,
                                             "export PATH=" + kubectl_dir() + ":\"$PATH\"; kubectl -n " + ns +
                                                 " create token intruder --duration=10m 2>/dev/null",
                                             &token),
            0);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  ASSERT_FALSE(token.empty());
  std::string deployment_path = "/apis/apps/v1/namespaces/" + ns + "/deployments/target";
  Curl harmless = curl_patch(t, pki.path(""), token, deployment_path, R"({"metadata":{"labels":{"touched":"yes"}}})");
  EXPECT_EQ(harmless.http_status, 200) << harmless.body;
  Curl s2 = curl_patch(
      t, pki.path(""), token, deployment_path,
      R"({"spec":{"template":{"spec":{"containers":[{"name":"miner","image":"docker.io/xmrig/xmrig:6.21.0"}]}}}})");
  EXPECT_EQ(s2.http_status, 403) << s2.body;
  EXPECT_TRUE(contains(s2.body, "KG-DRIFT-001")) << s2.body;

  // S3: an ephemeral container on the running pod.
  EXPECT_NE(t.sh("kubectl -n " + ns + " debug pod/web --image=busybox:1.36 --target=web -c dbg", &out), 0);
  EXPECT_TRUE(contains(out, "KG-DRIFT-004")) << out;

  // Legitimate injection: istio and linkerd workloads from the corpus.
  for (std::string_view file :
       {"manifests/istio/injected-sidecars/hello.injected.yaml", "manifests/istio/injected-sidecars/pod.injected.yaml",
        "manifests/linkerd2/inject/inject_emojivoto_deployment.golden.yml"}) {
    EXPECT_EQ(t.kubectl_stdin("apply -f -", corpus_without_namespace(file), &out), 0) << file << ": " << out;
    EXPECT_FALSE(contains(out, "Warning:")) << file << ": " << out;
  }

  // Warn mode: the same requests pass, with warnings kubectl prints.
  ASSERT_EQ(t.sh("kubectl patch validatingwebhookconfiguration " + webhook +
                     " --type=json -p '[{\"op\":\"replace\",\"path\":\"/webhooks/0/clientConfig/url\","
                     "\"value\":\"https://127.0.0.1:" +
                     std::to_string(warn_port) + "/validate\"}]'",
                 &out),
            0)
      << out;
  ASSERT_TRUE(wait_for("Warning:")) << out << warn->log();
  EXPECT_EQ(t.kubectl_stdin("apply -f -", privileged, &out), 0) << out;
  EXPECT_TRUE(contains(out, "Warning: kubeguard: [KG-POD-001]")) << out;
  EXPECT_EQ(t.sh("kubectl -n " + ns +
                     " patch deployment target --type=json -p "
                     "'[{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/-\","
                     "\"value\":{\"name\":\"miner\",\"image\":\"docker.io/xmrig/xmrig:6.21.0\"}}]'",
                 &out),
            0)
      << out;
  EXPECT_TRUE(contains(out, "Warning: kubeguard: [KG-DRIFT-001]")) << out;
  EXPECT_EQ(t.sh("kubectl -n " + ns + " set image pod/web web=docker.io/xmrig/xmrig:6.21.0", &out), 0) << out;
  EXPECT_TRUE(contains(out, "Warning: kubeguard: [KG-DRIFT-002]")) << out;
  Curl s2_warned = curl_patch(
      t, pki.path(""), token, deployment_path,
      R"({"spec":{"template":{"spec":{"containers":[{"name":"miner2","image":"docker.io/xmrig/xmrig:6.21.0"}]}}}})");
  EXPECT_EQ(s2_warned.http_status, 200) << s2_warned.body;
  EXPECT_TRUE(contains(s2_warned.headers, "KG-DRIFT-001")) << s2_warned.headers;
  EXPECT_EQ(t.sh("kubectl -n " + ns + " debug pod/web --image=busybox:1.36 --target=web -c dbg2", &out), 0) << out;
  EXPECT_TRUE(contains(out, "Warning: kubeguard: [KG-DRIFT-004]")) << out;

  // One line per request, never the token.
  std::string log = enforce->log() + warn->log();
  EXPECT_TRUE(contains(log, "verdict=denied rules=KG-POD-001")) << log;
  EXPECT_TRUE(contains(log, "user=system:serviceaccount:" + ns + ":intruder")) << log;
  EXPECT_FALSE(contains(log, token));
}

}  // namespace
}  // namespace kg::admission
