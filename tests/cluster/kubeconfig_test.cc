#include "cluster/kubeconfig.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "util/base64.h"

namespace kg::cluster {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "kg-kubeconfig-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::string p = path_ + "/" + name;
    fs::create_directories(fs::path(p).parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

constexpr std::string_view kCertPem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
constexpr std::string_view kKeyPem = "-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n";

std::string b64(std::string_view text) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    uint32_t v = (uint8_t(text[i]) << 16) | (uint8_t(text[i + 1]) << 8) | uint8_t(text[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i + 1 == text.size()) {
    uint32_t v = uint8_t(text[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == text.size()) {
    uint32_t v = (uint8_t(text[i]) << 16) | (uint8_t(text[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string two_contexts(const std::string& admin_user_yaml) {
  return R"(apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: pki/ca.crt
- name: dev
  cluster:
    server: dev.example:443/
    certificate-authority-data: )" +
         b64("DEV-CA") + R"(
users:
- name: admin
  user:
)" + admin_user_yaml +
         R"(
- name: reader
  user:
    tokenFile: reader.token
contexts:
- name: prod-admin
  context: {cluster: prod, user: admin, namespace: payments}
- name: dev-reader
  context:
    cluster: dev
    user: reader
current-context: prod-admin
)";
}

TEST(Base64, DecodesPaddedAndWrapped) {
  EXPECT_EQ(util::base64_decode("aGVsbG8=").value(), "hello");
  EXPECT_EQ(util::base64_decode("aGVs\nbG8h").value(), "hello!");
  EXPECT_EQ(util::base64_decode("").value(), "");
  EXPECT_FALSE(util::base64_decode("aGVsbG8").has_value());   // not a multiple of 4
  EXPECT_FALSE(util::base64_decode("aGV$bG8=").has_value());  // outside the alphabet
  EXPECT_FALSE(util::base64_decode("aG=sbG8=").has_value());  // data after padding
  EXPECT_EQ(util::base64_decode(b64(kKeyPem)).value(), kKeyPem);
}

TEST(Kubeconfig, CurrentContextWithFilesRelativeToTheKubeconfig) {
  TempDir dir;
  dir.write("pki/ca.crt", "PROD-CA");
  dir.write("admin.crt", std::string(kCertPem));
  dir.write("admin.key", std::string(kKeyPem));
  std::string file = dir.write("config", two_contexts("    client-certificate: admin.crt\n    client-key: admin.key"));
  auto config = parse_kubeconfig(read_whole_file(file).value(), file, "");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->server, "https://10.0.0.1:6443");
  EXPECT_EQ(config->ca_pem, "PROD-CA");
  EXPECT_EQ(config->client_cert_pem, kCertPem);
  EXPECT_EQ(config->client_key_pem, kKeyPem);
  EXPECT_EQ(config->token, "");
  EXPECT_EQ(config->context, "prod-admin");
  EXPECT_EQ(config->name_space, "payments");
  EXPECT_EQ(config->source, file);
}

TEST(Kubeconfig, ContextOverrideTokenFileAndInlineCa) {
  TempDir dir;
  dir.write("reader.token", "  eyJhbGciOi.reader.token \n");
  std::string file = dir.write("config", two_contexts("    token: admin-token"));
  auto config = parse_kubeconfig(read_whole_file(file).value(), file, "dev-reader");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->server, "https://dev.example:443");  // scheme added, trailing slash dropped
  EXPECT_EQ(config->ca_pem, "DEV-CA");
  EXPECT_EQ(config->token, "eyJhbGciOi.reader.token");
  EXPECT_EQ(config->name_space, "");
  EXPECT_TRUE(config->client_cert_pem.empty());
}

TEST(Kubeconfig, InlineClientCertificateAndToken) {
  TempDir dir;
  dir.write("pki/ca.crt", "PROD-CA");
  std::string user =
      "    token: abc.def\n    client-certificate-data: " + b64(kCertPem) + "\n    client-key-data: " + b64(kKeyPem);
  std::string file = dir.write("config", two_contexts(user));
  auto config = parse_kubeconfig(read_whole_file(file).value(), file, "");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->token, "abc.def");
  EXPECT_EQ(config->client_cert_pem, kCertPem);
  EXPECT_EQ(config->client_key_pem, kKeyPem);
}

TEST(Kubeconfig, InsecureSkipTlsVerifyIsHonouredWithAWarning) {
  std::string text = R"(clusters:
- name: c
  cluster:
    server: https://1.2.3.4
    insecure-skip-tls-verify: true
    tls-server-name: api.internal
users:
- name: u
  user: {token: t}
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
)";
  auto config = parse_kubeconfig(text, "/etc/kube/config", "");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->insecure_skip_tls_verify);
  EXPECT_EQ(config->tls_server_name, "api.internal");
  ASSERT_EQ(config->notes.size(), 1U);
  EXPECT_NE(config->notes[0].find("warning: clusters[name=c]: insecure-skip-tls-verify is set"), std::string::npos)
      << config->notes[0];
  // With a CA as well it contradicts itself; kubectl refuses that too.
  std::string both = text;
  both.replace(both.find("    tls-server-name"), 0, "    certificate-authority-data: " + b64("CA") + "\n");
  auto refused = parse_kubeconfig(both, "/etc/kube/config", "");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("clusters[name=c].cluster.insecure-skip-tls-verify: is set together with"),
            std::string::npos)
      << refused.error().message;
}

TEST(Kubeconfig, ExecPluginAndImpersonationAreRead) {
  std::string text = R"(clusters:
- name: c
  cluster: {server: https://h}
users:
- name: u
  user:
    as: jane
    as-groups: [dev, ops]
    as-user-extra: {scopes: [view]}
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/get-token
      args: [--cluster, c]
      env: [{name: REGION, value: eu}]
      interactiveMode: Never
      provideClusterInfo: true
      installHint: install get-token
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
)";
  auto config = parse_kubeconfig(text, "/home/u/.kube/config", "");
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_TRUE(config->exec.has_value());
  EXPECT_EQ(config->exec->command, "/home/u/.kube/bin/get-token") << "relative to the kubeconfig, as client-go";
  EXPECT_EQ(config->exec->args, (std::vector<std::string>{"--cluster", "c"}));
  ASSERT_EQ(config->exec->env.size(), 1U);
  EXPECT_EQ(config->exec->env[0].first, "REGION");
  EXPECT_TRUE(config->exec->provide_cluster_info);
  EXPECT_EQ(config->exec->interactive_mode, "Never");
  EXPECT_EQ(config->impersonate_user, "jane");
  EXPECT_EQ(config->impersonate_groups, (std::vector<std::string>{"dev", "ops"}));
  ASSERT_EQ(config->impersonate_extra.size(), 1U);
  EXPECT_EQ(config->impersonate_extra[0].second, "view");
}

TEST(Kubeconfig, InsecureSkipTlsVerifyFalseIsAccepted) {
  std::string text = R"(clusters:
- name: c
  cluster: {server: https://1.2.3.4, insecure-skip-tls-verify: false}
contexts:
- name: x
  context: {cluster: c}
current-context: x
)";
  auto config = parse_kubeconfig(text, "k", "");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->ca_pem.empty());  // system trust store
}

struct BadCase {
  std::string name;
  std::string text;
  std::string context;
  std::string expect;  // a part of the message
};

TEST(Kubeconfig, ErrorsNameTheFieldAndNeverTheSecret) {
  const std::string cluster = "clusters:\n- name: c\n  cluster: {server: https://h}\n";
  const std::string ctx = "contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n";
  std::vector<BadCase> cases = {
      {"no current context", cluster + "contexts:\n- name: x\n  context: {cluster: c}\n", "",
       "current-context: is not set and no --context was given (contexts: x)"},
      {"unknown context", cluster + ctx, "nope", "no context named 'nope' (contexts: x)"},
      {"unknown cluster", "clusters: []\n" + ctx, "", "contexts[name=x].context.cluster: names 'c'"},
      {"unknown user", cluster + ctx, "", "contexts[name=x].context.user: names 'u', which is not in users (none)"},
      {"plain http", "clusters:\n- name: c\n  cluster: {server: http://h}\n" + ctx, "", "plain http is refused"},
      {"no server", "clusters:\n- name: c\n  cluster: {}\n" + ctx, "", "clusters[name=c].cluster.server: is missing"},
      {"bad base64", cluster + "users:\n- name: u\n  user: {client-key-data: 'SECRET-KEY-MATERIAL!'}\n" + ctx, "",
       "users[name=u].user.client-key-data: is not valid base64"},
      {"cert without key", cluster + "users:\n- name: u\n  user: {client-certificate-data: " + b64("x") + "}\n" + ctx,
       "", "client-key: is missing"},
      {"both file and data",
       cluster + "users:\n- name: u\n  user: {client-key: k, client-key-data: " + b64("x") + "}\n" + ctx, "",
       "both client-key and client-key-data are set"},
      {"exec without apiVersion", cluster + "users:\n- name: u\n  user:\n    exec: {command: aws}\n" + ctx, "",
       "users[name=u].user.exec.apiVersion: is missing"},
      {"exec v1alpha1",
       cluster +
           "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: "
           "aws}\n" +
           ctx,
       "", "v1alpha1 was removed"},
      {"exec v1 without interactiveMode",
       cluster + "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}\n" +
           ctx,
       "", "users[name=u].user.exec.interactiveMode: is required"},
      {"auth-provider", cluster + "users:\n- name: u\n  user:\n    auth-provider: {name: oidc}\n" + ctx, "",
       "users[name=u].user.auth-provider: auth-provider plugins were removed from kubectl"},
      {"groups without user", cluster + "users:\n- name: u\n  user: {as-groups: [g]}\n" + ctx, "",
       "users[name=u].user.as: is required"},
      {"missing token file", cluster + "users:\n- name: u\n  user: {tokenFile: /nonexistent/kg/token}\n" + ctx, "",
       "users[name=u].user.tokenFile: cannot read /nonexistent/kg/token"},
      {"not yaml", "clusters: [", "", "config:2:1: while parsing"},
      {"not a mapping", "- a\n- b\n", "", "not a kubeconfig"},
  };
  for (const auto& c : cases) {
    auto config = parse_kubeconfig(c.text, "/home/u/.kube/config", c.context);
    ASSERT_FALSE(config) << c.name;
    const std::string& m = config.error().message;
    EXPECT_NE(m.find(c.expect), std::string::npos) << c.name << ": " << m;
    EXPECT_NE(m.find("/home/u/.kube/config"), std::string::npos) << c.name << ": " << m;
    EXPECT_EQ(m.find("SECRET-KEY-MATERIAL"), std::string::npos) << c.name << ": " << m;
  }
}

TEST(Kubeconfig, InClusterReadsTheServiceAccountMount) {
  TempDir dir;
  InClusterSettings s;
  s.token_file = dir.write("token", "sa-token\n");
  s.ca_file = dir.write("ca.crt", "CLUSTER-CA");
  s.namespace_file = dir.write("namespace", "team-a");
  s.host = "10.96.0.1";
  s.port = "443";
  auto config = load_in_cluster(s);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->token, "sa-token");
  EXPECT_EQ(config->ca_pem, "CLUSTER-CA");
  EXPECT_EQ(config->name_space, "team-a");
  EXPECT_EQ(config->context, "in-cluster");

  s.host = "fd00::1";
  EXPECT_EQ(load_in_cluster(s)->server, "https://[fd00::1]:443");

  s.host.clear();
  auto missing_host = load_in_cluster(s);
  ASSERT_FALSE(missing_host);
  EXPECT_NE(missing_host.error().message.find("KUBERNETES_SERVICE_HOST"), std::string::npos);

  s.host = "10.96.0.1";
  s.token_file = dir.path() + "/absent";
  auto missing_token = load_in_cluster(s);
  ASSERT_FALSE(missing_token);
  EXPECT_EQ(missing_token.error().kind, ErrorKind::Io);
}

std::string minimal(const std::string& server) {
  return "clusters:\n- name: c\n  cluster: {server: " + server +
         "}\ncontexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n";
}

TEST(Kubeconfig, ResolutionOrder) {
  TempDir dir;
  std::string flag = dir.write("flag.yaml", minimal("https://flag"));
  std::string first = dir.write("first.yaml", minimal("https://first"));
  std::string second = dir.write("second.yaml", minimal("https://second"));
  dir.write("home/.kube/config", minimal("https://home"));

  Environment env{dir.path() + "/missing.yaml:" + first + ":" + second, dir.path() + "/home", "", ""};
  ConfigRequest request;
  request.kubeconfig = flag;
  EXPECT_EQ(resolve_config(request, env)->server, "https://flag");

  request.kubeconfig.clear();
  auto from_env = resolve_config(request, env);
  ASSERT_TRUE(from_env) << from_env.error().message;
  EXPECT_EQ(from_env->server, "https://first");  // missing entries skipped, later ones not merged
  ASSERT_EQ(from_env->notes.size(), 1u);
  EXPECT_NE(from_env->notes[0].find("only " + first + " was read"), std::string::npos) << from_env->notes[0];

  env.kubeconfig.clear();
  EXPECT_EQ(resolve_config(request, env)->server, "https://home");

  env.home = dir.path() + "/nohome";
  auto none = resolve_config(request, env);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("no cluster configuration"), std::string::npos);

  env.service_host = "10.0.0.1";
  env.service_port = "443";
  request.in_cluster_settings.token_file = dir.write("sa/token", "t");
  request.in_cluster_settings.ca_file = dir.write("sa/ca.crt", "CA");
  request.in_cluster_settings.namespace_file = dir.path() + "/sa/namespace";  // absent: allowed
  auto in_cluster = resolve_config(request, env);
  ASSERT_TRUE(in_cluster) << in_cluster.error().message;
  EXPECT_EQ(in_cluster->server, "https://10.0.0.1:443");
  EXPECT_EQ(in_cluster->name_space, "");
}

}  // namespace
}  // namespace kg::cluster
