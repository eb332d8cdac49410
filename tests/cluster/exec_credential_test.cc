// The exec credential plugin runner with real plugins (shell scripts): what
// they are told (KUBERNETES_EXEC_INFO, env, args), what they answer, and how
// a broken plugin is reported without its output.
#include "cluster/exec_credential.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace kg::cluster {
namespace {

class Scripts {
 public:
  Scripts() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kg-exec-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) dir_ = pattern;
  }
  ~Scripts() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Scripts(const Scripts&) = delete;
  Scripts& operator=(const Scripts&) = delete;
  std::string write(const std::string& name, const std::string& body) const {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << "#!/bin/sh\n" << body;
    ::chmod(path.c_str(), 0755);
    return path;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

ExecConfig config_for(const std::string& command, std::string api = "client.authentication.k8s.io/v1") {
  ExecConfig exec;
  exec.api_version = std::move(api);
  exec.command = command;
  exec.interactive_mode = "Never";
  return exec;
}

TEST(ExecCredential, Rfc3339Times) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2026-12-07T10:00:00Z"), 1796637600);
  EXPECT_EQ(parse_rfc3339("2026-12-07T10:00:00.123456789Z"), 1796637600);
  EXPECT_EQ(parse_rfc3339("2026-12-07T12:00:00+02:00"), 1796637600);
  EXPECT_EQ(parse_rfc3339("2026-12-07 10:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-13-07T10:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-12-07T10:00:00"), std::nullopt);
}

TEST(ExecCredential, TheRealPluginIsToldWhatClientGoTellsIt) {
  Scripts s;
  std::string seen = s.path("seen");
  std::string plugin = s.write("plugin", "printf '%s\\n' \"$KUBERNETES_EXEC_INFO\" \"$REGION\" \"$1 $2\" > " + seen +
                                             "\n"
                                             "read line && echo stdin-had-data >> " +
                                             seen +
                                             "\n"
                                             "cat <<EOF\n"
                                             "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                                             "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"tok-123\","
                                             "\"expirationTimestamp\":\"2030-01-01T00:00:00Z\"}}\nEOF\n");
  ExecConfig exec = config_for(plugin);
  exec.args = {"--cluster", "prod"};
  exec.env = {{"REGION", "eu-west-1"}};
  exec.provide_cluster_info = true;
  auto cred = run_exec_plugin(exec, ExecClusterInfo{"https://127.0.0.1:6443", "CA", "kubernetes", false});
  ASSERT_TRUE(cred) << cred.error().message;
  EXPECT_EQ(cred->token, "tok-123");
  EXPECT_EQ(cred->expires_unix, parse_rfc3339("2030-01-01T00:00:00Z"));
  std::ifstream in(seen);
  std::string info, region, args, more;
  std::getline(in, info);
  std::getline(in, region);
  std::getline(in, args);
  std::getline(in, more);
  EXPECT_EQ(info,
            R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false,)"
            R"("cluster":{"server":"https://127.0.0.1:6443","tls-server-name":"kubernetes",)"
            R"("certificate-authority-data":"Q0E="}}})");
  EXPECT_EQ(region, "eu-west-1");
  EXPECT_EQ(args, "--cluster prod");
  EXPECT_EQ(more, "") << "standard input is /dev/null when the plugin may not prompt";
}

TEST(ExecCredential, ClientCertificatesAndV1beta1) {
  Scripts s;
  std::string plugin =
      s.write("plugin",
              "cat <<'EOF'\n"
              "{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{"
              "\"clientCertificateData\":\"-----BEGIN CERTIFICATE-----\\nX\\n-----END CERTIFICATE-----\\n\","
              "\"clientKeyData\":\"-----BEGIN PRIVATE KEY-----\\nY\\n-----END PRIVATE KEY-----\\n\"}}\nEOF\n");
  auto cred = run_exec_plugin(config_for(plugin, "client.authentication.k8s.io/v1beta1"), {});
  ASSERT_TRUE(cred) << cred.error().message;
  EXPECT_TRUE(cred->token.empty());
  EXPECT_EQ(cred->client_cert_pem, "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n");
  EXPECT_FALSE(cred->expires_unix.has_value());
}

TEST(ExecCredential, BrokenPluginsAreReportedWithoutTheirOutput) {
  Scripts s;
  struct Case {
    std::string body;
    std::string expect;
  };
  std::vector<Case> cases = {
      {"echo SECRET-OUTPUT; exit 3\n", "failed (exit status 3)"},
      {"echo 'SECRET-OUTPUT not json'\n", "not an ExecCredential"},
      {"echo '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
       "\"status\":{\"token\":\"SECRET-OUTPUT\"}}'\n",
       "answered apiVersion 'client.authentication.k8s.io/v1beta1', was asked for"},
      {"echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
       "\"status\":{\"token\":\"SECRET-OUTPUT\",\"expirationTimestamp\":\"soon\"}}'\n",
       "expirationTimestamp 'soon' is not RFC 3339"},
      {"echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{}}'\n",
       "neither token nor clientCertificateData"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string name = "plugin-";  // not "p" + std::to_string(i): GCC 12 -Wrestrict false positive
    name += std::to_string(i);
    auto cred = run_exec_plugin(config_for(s.write(name, cases[i].body)), {});
    ASSERT_FALSE(cred) << i;
    EXPECT_NE(cred.error().message.find(cases[i].expect), std::string::npos) << cred.error().message;
    EXPECT_EQ(cred.error().message.find("SECRET-OUTPUT"), std::string::npos) << cred.error().message;
  }
  ExecConfig missing = config_for("kg-no-such-plugin-anywhere");
  missing.install_hint = "Install it with: apt install kg-plugin";
  auto cred = run_exec_plugin(missing, {});
  ASSERT_FALSE(cred);
  EXPECT_NE(cred.error().message.find("cannot run 'kg-no-such-plugin-anywhere'"), std::string::npos)
      << cred.error().message;
  EXPECT_NE(cred.error().message.find("Install it with: apt install kg-plugin"), std::string::npos);
}

}  // namespace
}  // namespace kg::cluster
