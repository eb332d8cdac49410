// Image verification against the real registry (scripts/registry.sh: Debian's
// docker-registry, TLS, basic auth) holding images signed by the real cosign
// (tests/supply/data, made by scripts/supply-fixtures.sh): signed, unsigned,
// re-tagged, signed by the wrong key, certificate-signed, RSA and Ed25519
// keys, a signature copied onto another image; auth, TLS and failures; and
// the verify and scan fronts. Each test starts its own registry (the tests
// run as separate processes).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engine/temp_tree.h"
#include "supply/registry_fixture.h"
#include "supply/verifier.h"
#include "support/json_schema.h"
#include "support/test_support.h"

namespace kg::supply {
namespace {

using rules::ImageTrustStatus;
using testing::TestRegistry;

// A verifier with one policy over ADDR/kg/* and the registry's CA and credentials.
struct PolicySetup {
  std::string keys_yaml = "keys: [" + TestRegistry::data("keys/cosign.pub") + "]";
  std::string docker_config;  // "" uses the registry's
  bool with_ca = true;
};

std::unique_ptr<ImageVerifier> verifier(const TestRegistry& reg, const PolicySetup& s, testing::TempTree& tree) {
  std::string config =
      fmt::format("imagePolicies:\n  - images: [\"{}/kg/*\"]\n    {}\nregistryAuth:\n  dockerConfig: {}\n",
                  reg.address(), s.keys_yaml, s.docker_config.empty() ? reg.docker_config() : s.docker_config);
  if (s.with_ca) config += fmt::format("  caFile: {}\n", reg.ca_file());
  auto parsed = engine::load_config_file(tree.write("kubeguard.yaml", config), testing::catalog());
  EXPECT_TRUE(parsed.errors.empty()) << (parsed.errors.empty() ? "" : doc::format_error(parsed.errors[0]));
  VerifierOptions options;
  options.registry.attempts = 2;
  options.registry.backoff_ms = 50;
  auto v = ImageVerifier::create(parsed.config.image_policies, options);
  EXPECT_TRUE(v) << (v ? "" : v.error().message);
  return v ? std::move(*v) : nullptr;
}

class SupplyRegistry : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(reg.error(), "") << "the test registry did not start"; }
  std::string image(std::string_view rest) const { return fmt::format("{}/{}", reg.address(), rest); }
  TestRegistry reg;
  std::map<std::string, std::string> digest = TestRegistry::digests();
  testing::TempTree tree;
};

TEST_F(SupplyRegistry, KeySignedUnsignedRetaggedWrongKeyCopiedSignature) {
  ASSERT_EQ(reg.push_repositories({"kg/signed", "kg/unsigned", "kg/retag", "kg/wrongkey"}), "");
  // A signature manifest copied onto another image: authentic, but for another digest.
  ASSERT_EQ(reg.push("kg/unsigned:v1", "kg/copied:v1"), "");
  ASSERT_EQ(reg.push("kg/signed:" + signature_tag(digest["signed"]), "kg/copied:" + signature_tag(digest["unsigned"])),
            "");
  auto v = verifier(reg, {}, tree);
  ASSERT_TRUE(v);

  auto signed_v1 = v->verify(image("kg/signed:v1"));
  EXPECT_EQ(signed_v1.verdict.status, ImageTrustStatus::Trusted) << signed_v1.verdict.reason;
  EXPECT_EQ(signed_v1.verdict.digest, digest["signed"]);
  EXPECT_NE(signed_v1.verdict.signer.find("cosign.pub (ECDSA P-256)"), std::string::npos) << signed_v1.verdict.signer;
  EXPECT_EQ(signed_v1.signatures, 1u);
  EXPECT_EQ(v->verdict(image("kg/signed:v1@" + digest["signed"])).status, ImageTrustStatus::Trusted);
  EXPECT_EQ(v->verdict(image("kg/signed@" + digest["signed"])).status, ImageTrustStatus::Trusted);

  auto unsigned_v1 = v->verdict(image("kg/unsigned:v1"));
  EXPECT_EQ(unsigned_v1.status, ImageTrustStatus::Unsigned) << unsigned_v1.reason;
  EXPECT_EQ(unsigned_v1.digest, digest["unsigned"]);

  // kg/retag:v1 was moved from the signed original to an unsigned image.
  auto pinned = v->verdict(image("kg/retag:v1@" + digest["retag_original"]));
  EXPECT_EQ(pinned.status, ImageTrustStatus::DigestMismatch) << pinned.reason;
  EXPECT_NE(pinned.reason.find(digest["retag_moved"]), std::string::npos) << pinned.reason;
  EXPECT_EQ(v->verdict(image("kg/retag:v1")).status, ImageTrustStatus::Unsigned);
  EXPECT_EQ(v->verdict(image("kg/retag@" + digest["retag_original"])).status, ImageTrustStatus::Trusted);

  auto wrong = v->verify(image("kg/wrongkey:v1"));
  EXPECT_EQ(wrong.verdict.status, ImageTrustStatus::Untrusted) << wrong.verdict.reason;
  EXPECT_NE(wrong.verdict.reason.find("does not verify with any trusted key"), std::string::npos);

  auto copied = v->verdict(image("kg/copied:v1"));
  EXPECT_EQ(copied.status, ImageTrustStatus::Untrusted) << copied.reason;
  EXPECT_NE(copied.reason.find("the signature is for digest " + digest["signed"]), std::string::npos) << copied.reason;

  auto missing = v->verdict(image("kg/nothing:v1"));
  EXPECT_EQ(missing.status, ImageTrustStatus::Missing) << missing.reason;
  EXPECT_EQ(v->verdict(image("kg/signed@sha256:" + std::string(64, '0'))).status, ImageTrustStatus::Missing);

  // No policy: no network at all.
  RegistryStats before = v->stats();
  EXPECT_EQ(v->verdict("registry.invalid/other/app:v1").status, ImageTrustStatus::NoPolicy);
  // Cached: asking again sends nothing.
  EXPECT_EQ(v->verdict(image("kg/signed:v1")).status, ImageTrustStatus::Trusted);
  EXPECT_EQ(v->stats().requests, before.requests);
}

TEST_F(SupplyRegistry, CertificateRsaAndEd25519Signatures) {
  ASSERT_EQ(reg.push_repositories({"kg/signed", "kg/cert", "kg/rsa", "kg/ed25519"}), "");
  PolicySetup certs;
  certs.keys_yaml = fmt::format(
      "certificates: {{roots: {}, identities: [{{subject: ci@kubeguard.test, issuer: "
      "https://issuer.kubeguard.test}}]}}",
      TestRegistry::data("keys/ca.pem"));
  auto v = verifier(reg, certs, tree);
  ASSERT_TRUE(v);
  auto cert = v->verdict(image("kg/cert:v1"));
  EXPECT_EQ(cert.status, ImageTrustStatus::Trusted) << cert.reason;
  EXPECT_NE(cert.signer.find("certificate ci@kubeguard.test (issuer https://issuer.kubeguard.test)"), std::string::npos)
      << cert.signer;
  // Key-signed images carry no certificate.
  EXPECT_EQ(v->verdict(image("kg/signed:v1")).status, ImageTrustStatus::Untrusted);

  PolicySetup other_identity;
  other_identity.keys_yaml = fmt::format(
      "certificates: {{roots: {}, identities: [{{subjectRegExp: '.*@example\\.com', issuer: "
      "https://issuer.kubeguard.test}}]}}",
      TestRegistry::data("keys/ca.pem"));
  testing::TempTree tree2;
  auto v2 = verifier(reg, other_identity, tree2);
  ASSERT_TRUE(v2);
  auto untrusted = v2->verdict(image("kg/cert:v1"));
  EXPECT_EQ(untrusted.status, ImageTrustStatus::Untrusted);
  EXPECT_NE(untrusted.reason.find("identity ci@kubeguard.test"), std::string::npos) << untrusted.reason;

  PolicySetup other_root;  // the registry's TLS CA is a CA, but not the signing root
  other_root.keys_yaml =
      fmt::format("certificates: {{roots: {}, identities: [{{subject: ci@kubeguard.test}}]}}", reg.ca_file());
  testing::TempTree tree3;
  auto v3 = verifier(reg, other_root, tree3);
  ASSERT_TRUE(v3);
  auto no_chain = v3->verdict(image("kg/cert:v1"));
  EXPECT_EQ(no_chain.status, ImageTrustStatus::Untrusted);
  EXPECT_NE(no_chain.reason.find("does not chain"), std::string::npos) << no_chain.reason;

  PolicySetup keys;
  keys.keys_yaml =
      fmt::format("keys: [{}, {}]", TestRegistry::data("keys/rsa.pub"), TestRegistry::data("keys/ed25519.pub"));
  testing::TempTree tree4;
  auto v4 = verifier(reg, keys, tree4);
  ASSERT_TRUE(v4);
  auto rsa = v4->verdict(image("kg/rsa:v1"));
  EXPECT_EQ(rsa.status, ImageTrustStatus::Trusted) << rsa.reason;
  EXPECT_NE(rsa.signer.find("RSA"), std::string::npos);
  // cosign signs with Ed25519ph for Ed25519 keys, which OpenSSL 3.0 (Debian 12)
  // cannot verify: reported as not trusted, with the reason.
  auto ed = v4->verdict(image("kg/ed25519:v1"));
  EXPECT_EQ(ed.status, ImageTrustStatus::Untrusted) << ed.reason;
  EXPECT_NE(ed.reason.find("Ed25519ph"), std::string::npos) << ed.reason;
  EXPECT_EQ(v4->verdict(image("kg/signed:v1")).status, ImageTrustStatus::Untrusted);
}

TEST_F(SupplyRegistry, AuthTlsAndUnreachable) {
  ASSERT_EQ(reg.push("kg/signed:v1"), "");
  ASSERT_EQ(reg.push("kg/signed:" + signature_tag(digest["signed"])), "");
  std::string signed_v1 = image("kg/signed:v1");

  PolicySetup no_creds;
  no_creds.docker_config = tree.write("empty.json", R"({"auths":{}})");
  auto v = verifier(reg, no_creds, tree);
  ASSERT_TRUE(v);
  auto refused = v->verdict(signed_v1);
  EXPECT_EQ(refused.status, ImageTrustStatus::Unreachable);
  EXPECT_NE(refused.reason.find("basic credentials"), std::string::npos) << refused.reason;

  PolicySetup wrong_pw;
  wrong_pw.docker_config = tree.write(
      "wrong.json",
      fmt::format(R"({{"auths":{{"{}":{{"username":"kubeguard","password":"not-the-password"}}}}}})", reg.address()));
  testing::TempTree tree2;
  auto v2 = verifier(reg, wrong_pw, tree2);
  ASSERT_TRUE(v2);
  auto denied = v2->verdict(signed_v1);
  EXPECT_EQ(denied.status, ImageTrustStatus::Unreachable);
  EXPECT_NE(denied.reason.find("401"), std::string::npos) << denied.reason;
  EXPECT_EQ(denied.reason.find("not-the-password"), std::string::npos);

  // An image pull secret instead of a docker config.
  std::string secret_json =
      fmt::format(R"({{"auths":{{"{}":{{"username":"kubeguard","password":"{}"}}}}}})", reg.address(), reg.password());
  std::string secret = tree.write("regcred.yaml",
                                  "apiVersion: v1\nkind: Secret\nmetadata: {name: regcred}\n"
                                  "type: kubernetes.io/dockerconfigjson\nstringData:\n"
                                  "  .dockerconfigjson: '" +
                                      secret_json + "'\n");
  testing::TempTree tree3;
  std::string config = fmt::format(
      "imagePolicies:\n  - images: [\"{}/kg/*\"]\n    keys: [{}]\nregistryAuth:\n  pullSecrets: [{}]\n  caFile: {}\n",
      reg.address(), TestRegistry::data("keys/cosign.pub"), secret, reg.ca_file());
  auto parsed = engine::load_config_file(tree3.write("k.yaml", config), testing::catalog());
  ASSERT_TRUE(parsed.errors.empty());
  auto v3 = ImageVerifier::create(parsed.config.image_policies);
  ASSERT_TRUE(v3) << v3.error().message;
  EXPECT_EQ((*v3)->verdict(signed_v1).status, ImageTrustStatus::Trusted);

  // Without the registry's CA the TLS handshake fails: reported, never passed.
  PolicySetup no_ca;
  no_ca.with_ca = false;
  testing::TempTree tree4;
  auto v4 = verifier(reg, no_ca, tree4);
  ASSERT_TRUE(v4);
  auto tls = v4->verdict(signed_v1);
  EXPECT_EQ(tls.status, ImageTrustStatus::Unreachable);
  EXPECT_NE(tls.reason.find("certificate"), std::string::npos) << tls.reason;

  // Nothing listens: unreachable after the retries.
  std::string closed = "127.0.0.1:9";
  testing::TempTree tree5;
  std::string cfg5 = fmt::format("imagePolicies:\n  - images: [\"{}/*\"]\n    keys: [{}]\n", closed,
                                 TestRegistry::data("keys/cosign.pub"));
  auto parsed5 = engine::load_config_file(tree5.write("k.yaml", cfg5), testing::catalog());
  ASSERT_TRUE(parsed5.errors.empty());
  VerifierOptions fast;
  fast.registry.attempts = 2;
  fast.registry.backoff_ms = 10;
  auto v5 = ImageVerifier::create(parsed5.config.image_policies, fast);
  ASSERT_TRUE(v5);
  auto down = (*v5)->verdict(closed + "/kg/signed:v1");
  EXPECT_EQ(down.status, ImageTrustStatus::Unreachable) << down.reason;
  EXPECT_EQ((*v5)->stats().retries, 1u);
}

TEST_F(SupplyRegistry, VerifyAndScanCommands) {
  ASSERT_EQ(reg.push_repositories({"kg/signed", "kg/unsigned", "kg/retag", "kg/wrongkey"}), "");
  std::string config = tree.write(
      ".kubeguard.yaml",
      fmt::format("imagePolicies:\n  - images: [\"{}/kg/*\"]\n    keys: [{}]\nregistryAuth:\n  dockerConfig: {}\n"
                  "  caFile: {}\n",
                  reg.address(), TestRegistry::data("keys/cosign.pub"), reg.docker_config(), reg.ca_file()));
  std::string out;
  int rc = testing::run_kubeguard(
      fmt::format("verify --config {} {} {} 2>&1", config, image("kg/signed:v1"), image("kg/unsigned:v1")), &out);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("verdict:    trusted"), std::string::npos) << out;
  EXPECT_NE(out.find("digest:     " + digest["signed"]), std::string::npos) << out;
  EXPECT_NE(out.find("cosign.pub (ECDSA P-256)"), std::string::npos) << out;
  EXPECT_NE(out.find("NOT TRUSTED (unsigned)"), std::string::npos) << out;
  EXPECT_EQ(out.find(reg.password()), std::string::npos);
  EXPECT_EQ(testing::run_kubeguard(fmt::format("verify --config {} {} >/dev/null 2>&1", config, image("kg/signed:v1"))),
            0);
  rc = testing::run_kubeguard(fmt::format("verify -f json --config {} {} {} {}", config, image("kg/signed:v1"),
                                          image("kg/unsigned:v1"), image("kg/wrongkey:v1")),
                              &out);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find(R"("status": "trusted")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("status": "unsigned")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("status": "untrusted")"), std::string::npos) << out;
  // The JSON is what docs/schemas/verify.schema.json says.
  std::string python = testing::python_with_jsonschema();
  ASSERT_FALSE(python.empty()) << "needs python3 with jsonschema (scripts/install-deps.sh: python3-jsonschema)";
  EXPECT_EQ(testing::validate_json_schema(python, testing::source("docs/schemas/verify.schema.json"),
                                          tree.write("verify.json", out), false),
            "")
      << out;

  std::string manifest = tree.write(
      "deploy.yaml",
      fmt::format("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: shop}}\nspec:\n"
                  "  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n"
                  "    spec:\n      containers:\n      - name: app\n        image: {}\n"
                  "      - name: helper\n        image: {}\n      - name: moved\n        image: {}\n",
                  image("kg/signed:v1@" + digest["signed"]), image("kg/unsigned:v1"),
                  image("kg/retag:v1@" + digest["retag_original"])));
  rc = testing::run_kubeguard(fmt::format("scan -f json --config {} --verify-images {}", config, manifest), &out);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find(R"("rule": "KG-IMG-005")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("rule": "KG-IMG-007")"), std::string::npos) << out;
  EXPECT_NE(out.find("container 'helper'"), std::string::npos) << out;
  EXPECT_EQ(out.find("container 'app' (main) image"), std::string::npos) << out;
  // Without --verify-images nothing reaches the network and the rules stay quiet.
  testing::run_kubeguard(fmt::format("scan -f json --config {} {}", config, manifest), &out);
  EXPECT_EQ(out.find(R"("rule": "KG-IMG-005")"), std::string::npos) << out;
}

}  // namespace
}  // namespace kg::supply
