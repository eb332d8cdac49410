// The registry client's Bearer token flow against the real registry in token
// mode (scripts/registry.sh with KUBEGUARD_REG_AUTH_MODE=token: Debian's
// docker-registry asking for tokens from scripts/registry/token_server.py, a
// token server per the distribution token auth spec): the 401 challenge, the
// token asked for with basic credentials, the request retried with it;
// refused and missing credentials; and, from the token server's own log,
// that the client asks for exactly the pull scope of each repository and
// reuses its token for the next requests of that repository. Each test starts
// its own registry and token server; a missing part fails the test.
#include <chrono>
#include <map>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engine/temp_tree.h"
#include "supply/json.h"
#include "supply/registry_fixture.h"
#include "supply/verifier.h"
#include "support/test_support.h"

namespace kg::supply {
namespace {

using rules::ImageTrustStatus;
using testing::RegistryAuth;
using testing::TestRegistry;

// One request as the token server logged it.
struct TokenRequest {
  std::string client;  // User-Agent
  std::string account;
  std::string auth;  // ok, refused, anonymous
  std::vector<std::string> scopes;
  std::vector<std::string> granted;
  int64_t status = 0;
};

std::vector<std::string> strings_at(const doc::Node& node, std::string_view key) {
  std::vector<std::string> out;
  const doc::Node* list = node.get(key);
  if (list != nullptr && list->is_sequence()) {
    for (const auto& item : list->items()) out.emplace_back(item.str());
  }
  return out;
}

// The requests kubeguard's client made (skopeo's pushes are in the same log).
std::vector<TokenRequest> kubeguard_token_requests(const TestRegistry& reg) {
  std::vector<TokenRequest> out;
  std::istringstream in(testing::read_file(reg.token_log()));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    JsonValue v = parse_json(line, "token.log");
    EXPECT_TRUE(v.root && v.root->is_mapping()) << v.error;
    if (!v.root || !v.root->is_mapping()) continue;
    TokenRequest r;
    r.client = std::string(string_at(*v.root, "client"));
    if (!r.client.starts_with("kubeguard/")) continue;
    r.account = std::string(string_at(*v.root, "account"));
    r.auth = std::string(string_at(*v.root, "auth"));
    r.scopes = strings_at(*v.root, "scopes");
    r.granted = strings_at(*v.root, "granted");
    if (const doc::Node* s = v.root->get("status")) r.status = s->as_int().value_or(0);
    out.push_back(std::move(r));
  }
  return out;
}

// Token requests per scope.
std::map<std::string, int> by_scope(const std::vector<TokenRequest>& requests) {
  std::map<std::string, int> out;
  for (const auto& r : requests) {
    for (const auto& s : r.scopes) ++out[s];
  }
  return out;
}

// A verifier with one policy over ADDR/kg/* and the registry's CA; the
// docker config is the registry's own unless another is given.
std::unique_ptr<ImageVerifier> verifier(const TestRegistry& reg, testing::TempTree& tree,
                                        const std::string& docker_config = "") {
  std::string config = fmt::format(
      "imagePolicies:\n  - images: [\"{}/kg/*\"]\n    keys: [{}]\nregistryAuth:\n  dockerConfig: {}\n  caFile: {}\n",
      reg.address(), TestRegistry::data("keys/cosign.pub"), docker_config.empty() ? reg.docker_config() : docker_config,
      reg.ca_file());
  auto parsed = engine::load_config_file(tree.write("kubeguard.yaml", config), testing::catalog());
  EXPECT_TRUE(parsed.errors.empty()) << (parsed.errors.empty() ? "" : doc::format_error(parsed.errors[0]));
  VerifierOptions options;
  options.registry.attempts = 2;
  options.registry.backoff_ms = 50;
  auto v = ImageVerifier::create(parsed.config.image_policies, options);
  EXPECT_TRUE(v) << (v ? "" : v.error().message);
  return v ? std::move(*v) : nullptr;
}

class SupplyTokenAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(reg.error(), "") << "the test registry or its token server did not start";
    ASSERT_EQ(reg.auth(), RegistryAuth::Token);
  }
  std::string image(std::string_view rest) const { return fmt::format("{}/{}", reg.address(), rest); }
  TestRegistry reg{RegistryAuth::Token};
  std::map<std::string, std::string> digest = TestRegistry::digests();
  testing::TempTree tree;
};

TEST_F(SupplyTokenAuth, SignedAndUnsignedThroughBearerTokens) {
  ASSERT_EQ(reg.push_repositories({"kg/signed", "kg/unsigned"}), "");
  ASSERT_TRUE(kubeguard_token_requests(reg).empty());
  auto v = verifier(reg, tree);
  ASSERT_TRUE(v);

  auto signed_v1 = v->verify(image("kg/signed:v1"));
  EXPECT_EQ(signed_v1.verdict.status, ImageTrustStatus::Trusted) << signed_v1.verdict.reason;
  EXPECT_EQ(signed_v1.verdict.digest, digest["signed"]);
  EXPECT_NE(signed_v1.verdict.signer.find("cosign.pub (ECDSA P-256)"), std::string::npos) << signed_v1.verdict.signer;
  // The manifest by tag answered 401, the token request, the manifest again
  // with the token, then the .sig manifest and its payload with the same
  // token: five requests, one of them to the token server.
  EXPECT_EQ(v->stats().requests, 5u);
  auto requests = kubeguard_token_requests(reg);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].scopes, std::vector<std::string>{"repository:kg/signed:pull"});
  EXPECT_EQ(requests[0].auth, "ok");  // asked with the docker config's basic credentials
  EXPECT_EQ(requests[0].account, "kubeguard");
  EXPECT_EQ(requests[0].status, 200);
  EXPECT_EQ(requests[0].granted, std::vector<std::string>{"repository:kg/signed:pull"});

  // Another reference of the same repository: the .sig manifest is asked
  // again (the verdict is cached per reference, content per digest) with
  // the token the client holds, so the token server sees no new request.
  RegistryStats before = v->stats();
  auto pinned = v->verify(image("kg/signed@" + digest["signed"]));
  EXPECT_EQ(pinned.verdict.status, ImageTrustStatus::Trusted) << pinned.verdict.reason;
  EXPECT_EQ(v->stats().requests, before.requests + 1);
  EXPECT_EQ(kubeguard_token_requests(reg).size(), 1u);

  // A new repository: a new challenge, and a token for that scope only.
  auto unsigned_v1 = v->verdict(image("kg/unsigned:v1"));
  EXPECT_EQ(unsigned_v1.status, ImageTrustStatus::Unsigned) << unsigned_v1.reason;
  EXPECT_EQ(unsigned_v1.digest, digest["unsigned"]);
  requests = kubeguard_token_requests(reg);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].scopes, std::vector<std::string>{"repository:kg/unsigned:pull"});
  EXPECT_EQ(requests[1].granted, std::vector<std::string>{"repository:kg/unsigned:pull"});

  // A repository the registry does not hold is still authorized first.
  EXPECT_EQ(v->verdict(image("kg/nothing:v1")).status, ImageTrustStatus::Missing);
  // Back to the first repository: its token is still held.
  EXPECT_EQ(v->verdict(image("kg/signed:v1@" + digest["signed"])).status, ImageTrustStatus::Trusted);

  // At most one token request per repository and scope in this verifier.
  std::map<std::string, int> expected{
      {"repository:kg/nothing:pull", 1}, {"repository:kg/signed:pull", 1}, {"repository:kg/unsigned:pull", 1}};
  EXPECT_EQ(by_scope(kubeguard_token_requests(reg)), expected);
}

TEST_F(SupplyTokenAuth, WrongPasswordAndNoCredentials) {
  ASSERT_EQ(reg.push_repositories({"kg/signed"}), "");
  std::string signed_v1 = image("kg/signed:v1");

  // The token server refuses the credentials: 401, never the password in the reason.
  std::string wrong = tree.write(
      "wrong.json",
      fmt::format(R"({{"auths":{{"{}":{{"username":"kubeguard","password":"not-the-password"}}}}}})", reg.address()));
  auto v = verifier(reg, tree, wrong);
  ASSERT_TRUE(v);
  auto denied = v->verdict(signed_v1);
  EXPECT_EQ(denied.status, ImageTrustStatus::Unreachable) << denied.reason;
  EXPECT_NE(denied.reason.find("401"), std::string::npos) << denied.reason;
  EXPECT_NE(denied.reason.find("token server"), std::string::npos) << denied.reason;
  EXPECT_EQ(denied.reason.find("not-the-password"), std::string::npos) << denied.reason;
  auto requests = kubeguard_token_requests(reg);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].auth, "refused");
  EXPECT_EQ(requests[0].status, 401);
  EXPECT_EQ(requests[0].scopes, std::vector<std::string>{"repository:kg/signed:pull"});

  // No credentials: the token server gives an anonymous token with no access
  // (as public token services do) and the registry refuses it.
  testing::TempTree tree2;
  auto anonymous = verifier(reg, tree2, tree2.write("empty.json", R"({"auths":{}})"));
  ASSERT_TRUE(anonymous);
  auto refused = anonymous->verdict(signed_v1);
  EXPECT_EQ(refused.status, ImageTrustStatus::Unreachable) << refused.reason;
  EXPECT_NE(refused.reason.find("401"), std::string::npos) << refused.reason;
  requests = kubeguard_token_requests(reg);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].auth, "anonymous");
  EXPECT_EQ(requests[1].status, 200);
  EXPECT_EQ(requests[1].scopes, std::vector<std::string>{"repository:kg/signed:pull"});
  EXPECT_TRUE(requests[1].granted.empty());

  // Neither reason quotes a token (a JWT starts with base64 of '{"', "eyJ").
  EXPECT_EQ(denied.reason.find("eyJ"), std::string::npos) << denied.reason;
  EXPECT_EQ(refused.reason.find("eyJ"), std::string::npos) << refused.reason;

  // The right credentials still work against the same registry.
  testing::TempTree tree3;
  auto good = verifier(reg, tree3);
  ASSERT_TRUE(good);
  EXPECT_EQ(good->verdict(signed_v1).status, ImageTrustStatus::Trusted);
}

TEST_F(SupplyTokenAuth, VerifyCommand) {
  ASSERT_EQ(reg.push_repositories({"kg/signed", "kg/unsigned"}), "");
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
  EXPECT_NE(out.find("NOT TRUSTED (unsigned)"), std::string::npos) << out;
  EXPECT_EQ(out.find(reg.password()), std::string::npos);
  EXPECT_EQ(out.find("eyJ"), std::string::npos) << out;
  std::map<std::string, int> expected{{"repository:kg/signed:pull", 1}, {"repository:kg/unsigned:pull", 1}};
  auto requests = kubeguard_token_requests(reg);
  EXPECT_EQ(by_scope(requests), expected);
  for (const auto& r : requests) {
    EXPECT_EQ(r.auth, "ok");
    EXPECT_EQ(r.status, 200);
  }

  // Without credentials the command reports the registry's refusal, exit 1.
  std::string empty = tree.write("empty.json", R"({"auths":{}})");
  std::string anonymous = tree.write(
      "anonymous.yaml",
      fmt::format("imagePolicies:\n  - images: [\"{}/kg/*\"]\n    keys: [{}]\nregistryAuth:\n  dockerConfig: {}\n"
                  "  caFile: {}\n",
                  reg.address(), TestRegistry::data("keys/cosign.pub"), empty, reg.ca_file()));
  rc = testing::run_kubeguard(fmt::format("verify --config {} {} 2>&1", anonymous, image("kg/signed:v1")), &out);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("NOT TRUSTED (unreachable)"), std::string::npos) << out;
  EXPECT_NE(out.find("401"), std::string::npos) << out;
  EXPECT_EQ(out.find("eyJ"), std::string::npos) << out;
}

// A token the registry no longer accepts is replaced: the client answers the
// registry's next 401 (error="invalid_token") with a new token request.
TEST(SupplyTokenExpiry, ExpiredTokenIsAskedForAgain) {
  constexpr int kTokenSeconds = 8;
  TestRegistry reg(RegistryAuth::Token, kTokenSeconds);
  ASSERT_EQ(reg.error(), "") << "the test registry or its token server did not start";
  ASSERT_EQ(reg.push_repositories({"kg/signed"}), "");
  auto digest = TestRegistry::digests();
  testing::TempTree tree;
  auto v = verifier(reg, tree);
  ASSERT_TRUE(v);
  auto first = v->verify(reg.address() + "/kg/signed:v1");
  EXPECT_EQ(first.verdict.status, ImageTrustStatus::Trusted) << first.verdict.reason;
  ASSERT_EQ(kubeguard_token_requests(reg).size(), 1u);

  std::this_thread::sleep_for(std::chrono::seconds(kTokenSeconds + 1));
  RegistryStats before = v->stats();
  auto again = v->verify(reg.address() + "/kg/signed@" + digest["signed"]);
  EXPECT_EQ(again.verdict.status, ImageTrustStatus::Trusted) << again.verdict.reason;
  // The .sig manifest with the expired token (401), a new token, the .sig
  // manifest again; manifest and payload come from the digest cache.
  EXPECT_EQ(v->stats().requests, before.requests + 3);
  auto requests = kubeguard_token_requests(reg);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].scopes, std::vector<std::string>{"repository:kg/signed:pull"});
  EXPECT_EQ(requests[1].auth, "ok");
}

}  // namespace
}  // namespace kg::supply
