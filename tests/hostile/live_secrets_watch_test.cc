// `kubeguard cluster watch` against the real API server, text and JSON: a
// webhook configuration whose URL carries credentials and a pod whose
// command and annotations carry secrets are created while it watches; its
// alerts quote the URL (redacted) and never a secret.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "hostile/hostile_test_util.h"
#include "hostile/secrets_fixture.h"

namespace kg {
namespace {

using namespace testing::secrets;
using testing::live_detail::quote;

TEST(LiveSecrets, WatchAlertsInTextAndJsonCarryNoSecret) {
  std::string why;
  auto cluster = testing::live_cluster(&why);
  if (!cluster) GTEST_SKIP() << why;
  testing::ScratchDir dir;
  std::string ns = "kg-secrets-" + std::to_string(getpid());
  std::string hook_name = ns + "-hook";
  std::string webhook = webhook_yaml();
  // A webhook that matches nothing the other tests create and is ignored when it fails. The API
  // server refuses credentials and queries in a webhook URL: here the image carries them.
  webhook.replace(webhook.find("metadata: {name: policy}"), 24, "metadata: {name: " + hook_name + "}");
  size_t url = webhook.find("url: ");
  webhook.replace(url, webhook.find('\n', url) - url, "url: https://hooks.example.com/validate");
  webhook.replace(webhook.find("apiGroups: ['*']"), 16, "apiGroups: [kg-secrets.example.com]");
  webhook += "  failurePolicy: Ignore\n";
  std::string objects = dir.write(
      "objects.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n---\n" + webhook + "---\n" + [&] {
        std::string pod = pod_yaml(kCommand);
        pod.replace(pod.find("namespace: shop"), 15, "namespace: " + ns);
        // The API server refuses the apparmor annotation on a
        // container it does not know: drop it.
        size_t a = pod.find("    container.apparmor");
        pod.erase(a, pod.find('\n', a) + 1 - a);
        return pod;
      }());
  std::string outputs[2] = {dir.path("watch.json"), dir.path("watch.txt")};
  std::string errors[2] = {dir.path("watch-json.err"), dir.path("watch-text.err")};
  const char* formats[2] = {"json", "text"};
  std::string script;
  for (int i = 0; i < 2; ++i) {
    script += quote(KG_BINARY) + " cluster watch -f " + formats[i] + " --min-severity low --for 15 --kubeconfig " +
              quote(cluster->kubeconfig) + " >" + quote(outputs[i]) + " 2>" + quote(errors[i]) + " </dev/null & ";
  }
  // Both watches list the cluster first; the objects come after.
  script += "sleep 5; kubectl apply -f " + quote(objects) + " >/dev/null 2>&1; wait";
  ASSERT_EQ(testing::run_with_kubeconfig(*cluster, script), 0);
  testing::run_with_kubeconfig(*cluster, "kubectl delete validatingwebhookconfiguration " + quote(hook_name) +
                                             " --ignore-not-found >/dev/null 2>&1; kubectl delete namespace " +
                                             quote(ns) + " --wait=false >/dev/null 2>&1");
  for (int i = 0; i < 2; ++i) {
    std::string text = testing::slurp(outputs[i]) + testing::slurp(errors[i]);
    SCOPED_TRACE(formats[i]);
    EXPECT_NE(text.find(hook_name), std::string::npos) << "the webhook raised no alert:\n" << text;
    EXPECT_NE(text.find("<redacted>"), std::string::npos) << "the image was not quoted:\n" << text;
    for (const auto& s : kSecrets) EXPECT_EQ(text.find(s), std::string::npos) << "shows " << s << ":\n" << text;
    EXPECT_EQ(text.find(kKeyBody), std::string::npos);
  }
}

}  // namespace
}  // namespace kg
