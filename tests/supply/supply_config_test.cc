// imagePolicies and registryAuth in .kubeguard.yaml: read with files relative
// to the configuration, and every mistake reported with line and field.
#include <gtest/gtest.h>

#include "engine/config.h"
#include "engine/temp_tree.h"
#include "support/test_support.h"

namespace kg::supply {
namespace {

// A P-256 public key made by cosign (the test fixtures' key).
std::string public_key() { return testing::read_file(testing::source("tests/supply/data/keys/cosign.pub")); }

engine::ConfigResult load(const testing::TempTree& tree, std::string_view text) {
  return engine::load_config_file(tree.write(".kubeguard.yaml", text), testing::catalog());
}

std::string errors_of(const engine::ConfigResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += doc::format_error(e) + "\n";
  return out;
}

TEST(SupplyConfig, ReadsPoliciesAndAuth) {
  testing::TempTree tree;
  tree.write("keys/cosign.pub", public_key());
  tree.write("keys/ca.pem", "not read as a certificate until verification\n");
  auto r = load(tree,
                "imagePolicies:\n"
                "  - images: [\"registry.example.com/prod/*\"]\n"
                "    keys: [keys/cosign.pub]\n"
                "    requireDigest: true\n"
                "  - images: \"ghcr.io/acme/*\"\n"
                "    certificates:\n"
                "      roots: keys/ca.pem\n"
                "      identities: [{subject: ci@acme.test, issuer: https://issuer.acme.test}]\n"
                "registryAuth:\n"
                "  dockerConfig: auth/config.json\n"
                "  caFile: /etc/ssl/registry.pem\n"
                "  timeoutSeconds: 5\n"
                "  platform: linux/arm64/v8\n");
  ASSERT_TRUE(r.errors.empty()) << errors_of(r);
  const auto& p = r.config.image_policies;
  ASSERT_EQ(p.policies.size(), 2u);
  EXPECT_EQ(p.policies[0].signatures.keys.size(), 1u);
  EXPECT_EQ(p.policies[0].signatures.keys[0].algorithm, "ECDSA P-256");
  EXPECT_TRUE(p.policies[0].require_digest);
  ASSERT_TRUE(p.policies[1].signatures.certificates);
  EXPECT_EQ(p.policies[1].signatures.certificates->identities[0].subject, "ci@acme.test");
  EXPECT_EQ(p.auth.docker_config, tree.path("auth/config.json"));
  EXPECT_EQ(p.auth.ca_file, "/etc/ssl/registry.pem");
  EXPECT_EQ(p.auth.timeout_seconds, 5);
  EXPECT_EQ(p.auth.platform, "linux/arm64/v8");
  std::string pattern;
  EXPECT_EQ(p.match("registry.example.com/prod/team/web", &pattern), &p.policies[0]);
  EXPECT_EQ(pattern, "registry.example.com/prod/*");
  EXPECT_EQ(p.match("ghcr.io/acme/x"), &p.policies[1]);
  EXPECT_EQ(p.match("registry.example.com/dev/web"), nullptr);
}

TEST(SupplyConfig, ErrorsNameLineAndField) {
  testing::TempTree tree;
  tree.write("keys/not-a-key.pub", "hello\n");
  auto r = load(tree,
                "imagePolicies:\n"
                "  - images: [\"a/*\"]\n"
                "    keys: [keys/missing.pub]\n"
                "  - images: [\"b/*\"]\n"
                "    keys: [keys/not-a-key.pub]\n"
                "  - images: [\"c/*\"]\n"
                "  - keys: []\n"
                "    colour: blue\n"
                "  - images: [\"d/*\"]\n"
                "    certificates: {roots: keys/missing-ca.pem, identities: [{issuer: x}]}\n"
                "    requireDigest: maybe\n"
                "  - images: [\"e/*\"]\n"
                "    certificates: {identities: [{subjectRegExp: \"(\"}]}\n"
                "registryAuth: {timeoutSeconds: 0, platform: linux, token: x}\n");
  std::string all = errors_of(r);
  EXPECT_NE(all.find(":3:12: imagePolicies[0].keys: cannot read"), std::string::npos) << all;
  EXPECT_NE(all.find(":5:12: imagePolicies[1].keys: keys/not-a-key.pub: not a PEM public key"), std::string::npos)
      << all;
  EXPECT_NE(all.find(":6:5: imagePolicies[2]: keys or certificates are required"), std::string::npos) << all;
  EXPECT_NE(all.find(":8:5: imagePolicies[3].colour: unknown field"), std::string::npos) << all;
  EXPECT_NE(all.find("imagePolicies[3]: images (patterns) are required"), std::string::npos) << all;
  EXPECT_NE(all.find(":10:"), std::string::npos) << all;
  EXPECT_NE(all.find("imagePolicies[4].certificates.roots: cannot read"), std::string::npos) << all;
  EXPECT_NE(all.find("an identity needs subject or subjectRegExp"), std::string::npos) << all;
  EXPECT_NE(all.find(":11:20: imagePolicies[4].requireDigest: expected true or false"), std::string::npos) << all;
  EXPECT_NE(all.find("subjectRegExp: not a valid RE2 pattern"), std::string::npos) << all;
  EXPECT_NE(all.find("imagePolicies[5].certificates: roots (CA certificates) are required"), std::string::npos) << all;
  EXPECT_NE(all.find(":14:32: registryAuth.timeoutSeconds"), std::string::npos) << all;
  EXPECT_NE(all.find("registryAuth.platform: expected OS/ARCH"), std::string::npos) << all;
  EXPECT_NE(all.find("registryAuth.token: unknown field"), std::string::npos) << all;
  EXPECT_TRUE(r.config.image_policies.policies.empty());
}

}  // namespace
}  // namespace kg::supply
