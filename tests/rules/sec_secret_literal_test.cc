#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace kg {
namespace {

using testing::findings_of;

constexpr std::string_view kRule = "KG-SEC-001";

std::string pod_with_env(std::string_view env) {
  return std::string(R"yaml(apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx:1.25
    env:
)yaml") + std::string(env);
}

TEST(SecretLiteralInEnv, FlagsPasswordByName) {
  auto f = findings_of(kRule, pod_with_env(R"yaml(    - name: LOG_LEVEL
      value: info
    - name: DB_PASSWORD
      value: hunter2
)yaml"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.containers[0].env[1].value");
  EXPECT_EQ(f[0].container, "app");
  EXPECT_EQ(f[0].severity, rules::Severity::High);
  EXPECT_NE(f[0].message.find("DB_PASSWORD"), std::string::npos);
  EXPECT_NE(f[0].message.find("'app'"), std::string::npos);
  EXPECT_EQ(f[0].message.find("hunter2"), std::string::npos) << "the value must never be echoed";
  EXPECT_EQ(f[0].mark.line, 13u);
}

TEST(SecretLiteralInEnv, FlagsCredentialShapesWhateverTheName) {
  auto f = findings_of(kRule, pod_with_env(R"yaml(    - name: DB_URL
      value: AKIAIOSFODNN7EXAMPLE
    - name: SIGNING
      value: |
        -----BEGIN RSA PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASC
        -----END RSA PRIVATE KEY-----
    - name: AUTH_HEADER
      value: bearer abc123def
    - name: DATABASE
      value: postgres://shop:Sup3rS3cret@db:5432/shop
)yaml"));
  ASSERT_EQ(f.size(), 4u);
  EXPECT_NE(f[0].message.find("AWS access key ID"), std::string::npos);
  EXPECT_NE(f[1].message.find("PEM private key"), std::string::npos);
  EXPECT_NE(f[2].message.find("Authorization"), std::string::npos);
  EXPECT_NE(f[3].message.find("URL with an embedded password"), std::string::npos);
  for (const auto& finding : f) {
    EXPECT_EQ(finding.message.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos);
    EXPECT_EQ(finding.message.find("Sup3rS3cret"), std::string::npos);
    EXPECT_EQ(finding.message.find("abc123def"), std::string::npos);
  }
}

TEST(SecretLiteralInEnv, IgnoresReferencesPathsAndProperties) {
  auto f = findings_of(kRule, pod_with_env(R"yaml(    - name: LINKERD2_PROXY_IDENTITY_TOKEN_FILE
      value: /var/run/secrets/tokens/linkerd-identity-token
    - name: TOKEN_TTL
      value: "3600"
    - name: ISTIO_META_TLS_CLIENT_KEY
      value: /etc/identity2/client/keys/client-key.pem
    - name: DB_PASSWORD
      valueFrom:
        secretKeyRef:
          name: db
          key: password
    - name: ADMIN_PASSWORD
      value: $(DB_PASSWORD)
    - name: GF_AUTH_ANONYMOUS_ENABLED
      value: "true"
    - name: TLS_SECRET
      value: my-tls-secret
    - name: PUBLIC_KEY
      value: q8Zr2LmX0pVt7KsW3nYbq8Zr2LmX0pVt7KsW3nYb
    - name: LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS
      value: |
        -----BEGIN CERTIFICATE-----
        MIIBwTCCAWagAwIBAgIQeDZp5lDaIygQ5UfMKZrFATAKBggqhkjO
        -----END CERTIFICATE-----
    - name: SENTINEL_ID_0
      value: 3c0d9c0320bb34888c2df5757c718ce6ca992ce6
)yaml"));
  EXPECT_TRUE(f.empty()) << f.size() << " finding(s), first: " << (f.empty() ? "" : f[0].message);
}

TEST(SecretLiteralInEnv, WeakNamesNeedRandomLookingValues) {
  auto weak = findings_of(kRule, pod_with_env(R"yaml(    - name: SSH_KEY
      value: rsa
    - name: COOKIE_SALT
      value: q8Zr2LmX0pVt7KsW3nYb
)yaml"));
  ASSERT_EQ(weak.size(), 1u);
  EXPECT_EQ(weak[0].path, "spec.containers[0].env[1].value");
}

TEST(SecretLiteralInEnv, FlagsInitAndDeploymentContainers) {
  auto f = findings_of(kRule, R"yaml(apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      initContainers:
      - name: migrate
        image: migrate:1
        env:
        - name: apiKey
          value: k-1234
      containers:
      - name: api
        image: api:1
)yaml");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.template.spec.initContainers[0].env[0].value");
  EXPECT_EQ(f[0].container, "migrate");
}

TEST(SecretLiteralInEnv, FlagsCredentialsInArgsAndCommand) {
  auto f = findings_of(kRule, R"yaml(apiVersion: v1
kind: Pod
metadata:
  name: tools
spec:
  containers:
  - name: db
    image: mysql:8
    args: ["--password=hunter2", "--verbose"]
  - name: cache
    image: redis:7
    command: ["redis-server", "--requirepass", "Zq8rT2mX"]
  - name: sync
    image: curl:8
    command:
    - sh
    - -c
    - 'curl -H "Authorization: Bearer s3cr3tT0ken" https://api.example.com'
  - name: java
    image: app:1
    args: ["-Dapp.db.password=topsecret", "-jar", "app.jar"]
)yaml");
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].path, "spec.containers[0].args[0]");
  EXPECT_NE(f[0].message.find("--password"), std::string::npos);
  EXPECT_EQ(f[1].path, "spec.containers[1].command[2]");
  EXPECT_NE(f[1].message.find("--requirepass"), std::string::npos);
  EXPECT_EQ(f[2].path, "spec.containers[2].command[2]");
  EXPECT_EQ(f[3].path, "spec.containers[3].args[0]");
  for (const auto& finding : f) {
    for (std::string_view secret : {"hunter2", "Zq8rT2mX", "s3cr3tT0ken", "topsecret"}) {
      EXPECT_EQ(finding.message.find(secret), std::string::npos) << finding.message;
    }
  }
}

TEST(SecretLiteralInEnv, IgnoresArgsThatReferenceOrPointAtFiles) {
  auto f = findings_of(kRule, R"yaml(apiVersion: v1
kind: Pod
metadata:
  name: tools
spec:
  containers:
  - name: cache
    image: redis:7
    args: ["--requirepass $(REDIS_PASSWORD)", "--tls-private-key-file=/certs/tls.key"]
  - name: web
    image: app:1
    args: ["--key=/cert.key", "-key", "/app/server.key", "--default-policy=all-unauthenticated",
           "--password", "$(PASSWORD)", "--token-ttl=1h"]
)yaml");
  EXPECT_TRUE(f.empty()) << f.size() << " finding(s), first: " << (f.empty() ? "" : f[0].message);
}

// Every hit over the real manifests, by file and variable: the corpus has
// exactly these hard-coded credentials (sample Grafana admin password, sample
// MySQL password). A new hit here is a false positive until shown otherwise.
TEST(SecretLiteralInEnv, CorpusHitsAreKnownTruePositives) {
  std::string root = testing::corpus("manifests");
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "corpus not found";
  engine::ScanRequest request{{root}, 0};
  auto result = engine::scan(request, testing::catalog(), {});
  std::map<std::string, int> hits;
  for (const auto& f : result.findings) {
    if (f.rule_id != kRule) continue;
    std::string file = std::filesystem::path(f.file).filename().string();
    ++hits[file + " " + f.message.substr(0, f.message.find(':'))];
  }
  std::map<std::string, int> expected = {
      {"grafana.yaml container 'grafana' sets environment variable 'GF_SECURITY_ADMIN_PASSWORD' to a literal "
       "credential",
       1},
      {"bookinfo-ratings-v2-mysql.yaml container 'ratings' sets environment variable 'MYSQL_DB_PASSWORD' to a "
       "literal credential",
       1},
      {"bookinfo-ratings-v2-mysql-vm.yaml container 'ratings' sets environment variable 'MYSQL_DB_PASSWORD' to a "
       "literal credential",
       1},
  };
  EXPECT_EQ(hits, expected);
}

}  // namespace
}  // namespace kg
