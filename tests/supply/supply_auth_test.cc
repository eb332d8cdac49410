// Registry credentials and challenges: docker config.json, image pull
// secrets, WWW-Authenticate parsing; no message ever holds a password.
#include <gtest/gtest.h>

#include "supply/json.h"
#include "supply/registry_auth.h"

namespace kg::supply {
namespace {

TEST(SupplyChallenge, BearerWithQuotedCommas) {
  auto c = parse_challenges(
      R"(Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].params["realm"], "https://auth.example.com/token");
  EXPECT_EQ(c[0].params["service"], "registry.example.com");
  EXPECT_EQ(c[0].params["scope"], "repository:a/b:pull,push");
}

TEST(SupplyChallenge, BasicAndSeveralChallenges) {
  auto c = parse_challenges(R"(Basic realm="kubeguard-test-registry", Bearer realm="https://t.example/x")");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].scheme, "basic");
  EXPECT_EQ(c[0].params["realm"], "kubeguard-test-registry");
  EXPECT_EQ(c[1].scheme, "bearer");
  EXPECT_EQ(c[1].params["realm"], "https://t.example/x");
}

TEST(SupplyChallenge, MalformedEndsTheList) {
  EXPECT_TRUE(parse_challenges("").empty());
  auto c = parse_challenges(R"(Bearer realm="unterminated)");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].params.count("realm"), 0u);
  auto e = parse_challenges("Basic realm=x, ===");
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0].params["realm"], "x");
}

TEST(SupplyCredentials, DockerConfigLookupByHostAndPath) {
  CredentialStore store;
  // user:secret1, team:secret2, hub:secret3
  auto added = store.add_docker_config(R"({"auths": {
      "https://registry.example.com": {"auth": "dXNlcjpzZWNyZXQx"},
      "registry.example.com/team": {"username": "team", "password": "secret2"},
      "https://index.docker.io/v1/": {"auth": "aHViOnNlY3JldDM="},
      "helper.example.com": {}}})",
                                       "config.json");
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(store.size(), 3u);
  const Credential* c = store.find("registry.example.com/app/web");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->username, "user");
  EXPECT_EQ(c->password, "secret1");
  c = store.find("registry.example.com/team/web");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->username, "team");
  c = store.find("registry.example.com/teamx/web");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->username, "user");  // a path prefix matches whole components only
  c = store.find("docker.io/library/nginx");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->username, "hub");
  EXPECT_EQ(store.find("other.example.com/x"), nullptr);
  EXPECT_EQ(store.find("registry.example.com:5000/x"), nullptr);  // the port is part of the host
}

TEST(SupplyCredentials, BadAuthNamesTheKeyNotTheValue) {
  CredentialStore store;
  auto added = store.add_docker_config(R"({"auths": {"r.example": {"auth": "bm9jb2xvbg=="}}})", "cfg.json");
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message.find("cfg.json"), std::string::npos);
  EXPECT_NE(added.error().message.find("r.example"), std::string::npos);
  EXPECT_EQ(added.error().message.find("bm9jb2xvbg"), std::string::npos);
  EXPECT_EQ(added.error().message.find("nocolon"), std::string::npos);
  auto bad_json = store.add_docker_config("{\"auths\": {\"r\": {\"password\": \"hunter2\"", "cfg.json");
  ASSERT_FALSE(bad_json);
  EXPECT_EQ(bad_json.error().message.find("hunter2"), std::string::npos);
}

TEST(SupplyCredentials, PullSecretDockerConfigJson) {
  std::string config = R"({"auths":{"127.0.0.1:5101":{"username":"kubeguard","password":"pw-123"}}})";
  std::string secret =
      "apiVersion: v1\nkind: Secret\nmetadata: {name: regcred}\ntype: kubernetes.io/dockerconfigjson\n"
      "data:\n  .dockerconfigjson: " +
      base64_encode(config) + "\n";
  CredentialStore store;
  auto added = store.add_pull_secret(secret, "regcred.yaml");
  ASSERT_TRUE(added) << added.error().message;
  const Credential* c = store.find("127.0.0.1:5101/kg/signed");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->username, "kubeguard");
  EXPECT_EQ(c->password, "pw-123");
}

TEST(SupplyCredentials, PullSecretLegacyDockercfgAndStringData) {
  CredentialStore store;
  std::string legacy = base64_encode(R"({"r.example":{"auth":")" + base64_encode("a:b") + "\"}}");
  ASSERT_TRUE(store.add_pull_secret("kind: Secret\ntype: kubernetes.io/dockercfg\ndata: {.dockercfg: " + legacy + "}\n",
                                    "old.yaml"));
  ASSERT_TRUE(
      store.add_pull_secret("kind: Secret\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: "
                            "'{\"auths\":{\"s.example\":{\"username\":\"u\",\"password\":\"p\"}}}'\n",
                            "string.yaml"));
  ASSERT_NE(store.find("r.example/x"), nullptr);
  EXPECT_EQ(store.find("r.example/x")->password, "b");
  ASSERT_NE(store.find("s.example/x"), nullptr);
}

TEST(SupplyCredentials, NotAPullSecret) {
  CredentialStore store;
  auto opaque = store.add_pull_secret("kind: Secret\ntype: Opaque\ndata: {password: aHVudGVyMg==}\n", "s.yaml");
  ASSERT_FALSE(opaque);
  EXPECT_NE(opaque.error().message.find("Opaque"), std::string::npos);
  auto cm = store.add_pull_secret("kind: ConfigMap\n", "c.yaml");
  ASSERT_FALSE(cm);
  auto missing = store.add_pull_secret("kind: Secret\ntype: kubernetes.io/dockerconfigjson\n", "m.yaml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find(".dockerconfigjson"), std::string::npos);
}

TEST(SupplyCredentials, NormalizeRegistry) {
  EXPECT_EQ(normalize_registry("https://index.docker.io/v1/"), "docker.io");
  EXPECT_EQ(normalize_registry("HTTPS://Registry.Example.com:5000/"), "registry.example.com:5000");
  EXPECT_EQ(normalize_registry("r.example/team/"), "r.example/team");
}

TEST(SupplyJson, Base64RoundTrip) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("user:secret1"), "dXNlcjpzZWNyZXQx");
}

}  // namespace
}  // namespace kg::supply
