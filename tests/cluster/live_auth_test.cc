// Logging in the ways clusters ask for, against the real API server (skipped
// without one), through the real binary: an exec credential plugin (a shell
// script handing out service-account tokens from the API server's own token
// authenticator) in client.authentication.k8s.io v1 and v1beta1 with its
// expiry honoured and a revoked token fetched again, a token file,
// impersonation, tls-server-name and insecure-skip-tls-verify.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cluster/live_cluster.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

struct AuthSetup {
  std::string server;   // https://127.0.0.1:PORT
  std::string ca_data;  // base64, as in the admin kubeconfig
  std::string ns;
  std::string token;  // of the reader service account
};

class LiveAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    live_ = live_cluster(&why);
    if (!live_) GTEST_SKIP() << why;
    std::string pattern = (std::filesystem::temp_directory_path() / "kg-live-auth-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    // A namespace per test: a deleted one lingers while it terminates.
    static int counter = 0;
    s_.ns = fmt::format("kg-test-auth-{}-{}", getpid(), ++counter);
    ASSERT_EQ(kubectl("config view --raw --minify --flatten -o jsonpath='{.clusters[0].cluster.server}'", &s_.server),
              0);
    ASSERT_EQ(
        kubectl("config view --raw --minify --flatten -o jsonpath='{.clusters[0].cluster.certificate-authority-data}'",
                &s_.ca_data),
        0);
    ASSERT_FALSE(s_.ca_data.empty()) << "the admin kubeconfig carries its CA inline";
    // A reader service account bound to cluster-admin for the test's life,
    // and a privileged pod the scan must find.
    ASSERT_EQ(kubectl("create namespace " + s_.ns + " >/dev/null && " + wait_for_default_service_account(s_.ns) +
                      " && kubectl -n " + s_.ns + " create serviceaccount reader >/dev/null && kubectl create " +
                      "clusterrolebinding " + s_.ns + " --clusterrole=cluster-admin --serviceaccount=" + s_.ns +
                      ":reader >/dev/null && kubectl -n " + s_.ns +
                      " run root --image=busybox:1.36 --restart=Never --privileged -- sleep 1 >/dev/null"),
              0);
    ASSERT_EQ(kubectl("-n " + s_.ns + " create token reader --duration=10m", &s_.token), 0);
    while (!s_.token.empty() && s_.token.back() == '\n') s_.token.pop_back();
    ASSERT_FALSE(s_.token.empty());
  }

  void TearDown() override {
    if (live_) {
      kubectl("delete clusterrolebinding " + s_.ns + " >/dev/null 2>&1; kubectl delete namespace " + s_.ns +
              " --wait=false >/dev/null 2>&1");
    }
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  int kubectl(const std::string& args, std::string* out = nullptr) {
    return run_with_kubeconfig(*live_, "kubectl " + args, out);
  }

  std::string write(const std::string& name, const std::string& text, bool executable = false) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    if (executable) ::chmod(path.c_str(), 0755);
    return path;
  }

  // A kubeconfig with one cluster (cluster_extra: its extra fields) and one user.
  std::string kubeconfig(const std::string& name, const std::string& cluster_fields, const std::string& user_fields) {
    return write(name, fmt::format(R"(apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: {}
{}users:
- name: u
  user:
{}contexts:
- name: test
  context: {{cluster: test, user: u}}
current-context: test
)",
                                   s_.server, cluster_fields, user_fields));
  }

  std::string ca_field() const { return "    certificate-authority-data: " + s_.ca_data + "\n"; }

  // `kubeguard cluster scan -n NS` with this kubeconfig; stdout and stderr.
  int scan(const std::string& config, std::string* out, const std::string& extra = "") {
    std::string command =
        fmt::format("{} cluster scan --kubeconfig {} -n {} -f json {} 2>&1", KG_BINARY, config, s_.ns, extra);
    return live_detail::run(command, out);
  }

  // A plugin that answers with the tokens of `tokens_file`, one a call (the
  // last one again once they run out), counting calls in `<name>.calls`.
  std::string plugin(const std::string& name, const std::string& api_version, const std::string& expiry,
                     const std::vector<std::string>& tokens) {
    std::string tokens_text;
    for (const auto& t : tokens) tokens_text += t + "\n";
    std::string tokens_file = write(name + ".tokens", tokens_text);
    std::string calls = dir_ + "/" + name + ".calls";
    std::string expiry_field = expiry.empty() ? "" : ",\"expirationTimestamp\":\"" + expiry + "\"";
    return write(name,
                 fmt::format("#!/bin/sh\n"
                             "echo call >> {calls}\n"
                             "n=$(wc -l < {calls})\n"
                             "token=$(sed -n \"${{n}}p\" {tokens}); [ -n \"$token\" ] || token=$(tail -n 1 {tokens})\n"
                             "printf '{{\"apiVersion\":\"{api}\",\"kind\":\"ExecCredential\","
                             "\"status\":{{\"token\":\"%s\"{expiry}}}}}' \"$token\"\n",
                             fmt::arg("calls", calls), fmt::arg("tokens", tokens_file), fmt::arg("api", api_version),
                             fmt::arg("expiry", expiry_field)),
                 true);
  }

  size_t calls(const std::string& name) {
    std::ifstream in(dir_ + "/" + name + ".calls");
    size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }

  static std::string exec_user(const std::string& command, const std::string& api_version) {
    std::string mode = api_version.ends_with("/v1") ? "      interactiveMode: Never\n" : "";
    return "    exec:\n      apiVersion: " + api_version + "\n      command: " + command + "\n" + mode;
  }

  std::optional<LiveCluster> live_;
  std::string dir_;
  AuthSetup s_;
};

// The privileged pod's finding: the scan saw the namespace as the reader.
bool found_pod(const std::string& out) { return out.find("\"name\": \"root\"") != std::string::npos; }

TEST_F(LiveAuth, ExecPluginV1AndV1beta1) {
  for (const std::string api : {"client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"}) {
    std::string name = api.ends_with("/v1") ? "plugin-v1" : "plugin-v1beta1";
    std::string command = plugin(name, api, "2999-01-01T00:00:00Z", {s_.token});
    std::string config = kubeconfig(name + ".kubeconfig", ca_field(), exec_user(command, api));
    std::string out;
    EXPECT_EQ(scan(config, &out), 1) << out;
    EXPECT_TRUE(found_pod(out)) << out;
    EXPECT_EQ(calls(name), 1U) << "an unexpired credential is fetched once";
    EXPECT_EQ(out.find(s_.token), std::string::npos) << "the token never reaches the output";
  }
}

TEST_F(LiveAuth, ExpiredCredentialIsFetchedAgainBeforeTheNextRequest) {
  std::string api = "client.authentication.k8s.io/v1";
  std::string command = plugin("expired", api, "2001-01-01T00:00:00Z", {s_.token});
  std::string out;
  EXPECT_EQ(scan(kubeconfig("expired.kubeconfig", ca_field(), exec_user(command, api)), &out), 1) << out;
  EXPECT_TRUE(found_pod(out)) << out;
  // A cluster scan makes many requests; each finds the credential expired.
  EXPECT_GT(calls("expired"), 3U);
}

TEST_F(LiveAuth, RevokedCredentialIsFetchedAgainOnUnauthorized) {
  std::string api = "client.authentication.k8s.io/v1";
  std::string command = plugin("revoked", api, "2999-01-01T00:00:00Z", {"revoked-token", s_.token});
  std::string out;
  EXPECT_EQ(scan(kubeconfig("revoked.kubeconfig", ca_field(), exec_user(command, api)), &out), 1) << out;
  EXPECT_TRUE(found_pod(out)) << out;
  EXPECT_EQ(calls("revoked"), 2U) << "once at connect, once after the 401";
}

TEST_F(LiveAuth, BrokenPluginFailsWithItsInstallHint) {
  std::string config = kubeconfig("missing.kubeconfig", ca_field(),
                                  "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                  "      command: kg-no-such-credential-plugin\n      interactiveMode: Never\n"
                                  "      installHint: \"install kg-no-such-credential-plugin from the vendor\"\n");
  std::string out;
  EXPECT_EQ(scan(config, &out), 2);
  EXPECT_NE(out.find("cannot run 'kg-no-such-credential-plugin'"), std::string::npos) << out;
  EXPECT_NE(out.find("install kg-no-such-credential-plugin from the vendor"), std::string::npos) << out;
}

TEST_F(LiveAuth, TokenFile) {
  std::string token_file = write("token", s_.token + "\n");
  std::string out;
  EXPECT_EQ(scan(kubeconfig("tokenfile.kubeconfig", ca_field(), "    tokenFile: " + token_file + "\n"), &out), 1)
      << out;
  EXPECT_TRUE(found_pod(out)) << out;
}

TEST_F(LiveAuth, Impersonation) {
  std::string token_user = "    token: " + s_.token + "\n";
  std::string out;
  // The reader (cluster-admin) may impersonate; as a user with no rights the scan is refused.
  std::string nobody = "system:serviceaccount:" + s_.ns + ":nobody";
  EXPECT_EQ(scan(kubeconfig("as.kubeconfig", ca_field(), token_user + "    as: " + nobody + "\n"), &out), 2);
  EXPECT_NE(out.find(nobody), std::string::npos) << out;
  EXPECT_NE(out.find("cannot list"), std::string::npos) << out;
  // --as wins over the kubeconfig; --as-group adds a group.
  EXPECT_EQ(scan(kubeconfig("plain.kubeconfig", ca_field(), token_user), &out, "--as jane"), 2);
  EXPECT_NE(out.find("\"jane\" cannot list"), std::string::npos) << out;
  EXPECT_EQ(scan(kubeconfig("plain2.kubeconfig", ca_field(), token_user), &out, "--as jane --as-group system:masters"),
            1)
      << out;
  EXPECT_TRUE(found_pod(out)) << out;
}

TEST_F(LiveAuth, TlsServerNameIsWhatTheCertificateIsCheckedAgainst) {
  std::string token_user = "    token: " + s_.token + "\n";
  std::string out;
  // The serving certificate names kubernetes.default; the connection still goes to 127.0.0.1.
  EXPECT_EQ(
      scan(kubeconfig("sni-ok.kubeconfig", ca_field() + "    tls-server-name: kubernetes.default\n", token_user), &out),
      1)
      << out;
  EXPECT_TRUE(found_pod(out)) << out;
  EXPECT_EQ(
      scan(kubeconfig("sni-bad.kubeconfig", ca_field() + "    tls-server-name: wrong.example.invalid\n", token_user),
           &out),
      2);
  EXPECT_NE(out.find("wrong.example.invalid"), std::string::npos) << out;
}

TEST_F(LiveAuth, InsecureSkipTlsVerifyConnectsAndWarns) {
  std::string token_user = "    token: " + s_.token + "\n";
  std::string out;
  // Without a CA the test CA is unknown: refused.
  EXPECT_EQ(scan(kubeconfig("noca.kubeconfig", "", token_user), &out), 2);
  EXPECT_EQ(scan(kubeconfig("insecure.kubeconfig", "    insecure-skip-tls-verify: true\n", token_user), &out), 1)
      << out;
  EXPECT_TRUE(found_pod(out)) << out;
  EXPECT_NE(out.find("warning: clusters[name=test]: insecure-skip-tls-verify is set"), std::string::npos) << out;
}

}  // namespace
}  // namespace kg::testing
