// One cosign signature checked against a policy: real keys made with OpenSSL
// here, payloads as cosign writes them. The registry tests check signatures
// made by cosign itself.
#include <memory>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "supply/cosign.h"
#include "supply/digest.h"
#include "supply/json.h"
#include "supply/manifest.h"

namespace kg::supply {
namespace {

struct KeyPair {
  std::shared_ptr<EVP_PKEY> pkey;
  std::string public_pem;
};

KeyPair make_key(const char* type, const char* param = nullptr) {
  EVP_PKEY* k = nullptr;
  if (std::string_view(type) == "EC") k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", param);
  else if (std::string_view(type) == "RSA") k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
  else k = EVP_PKEY_Q_keygen(nullptr, nullptr, type);
  KeyPair kp{std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free), {}};
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, k);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  kp.public_pem.assign(data, static_cast<size_t>(len));
  BIO_free(bio);
  return kp;
}

std::string sign(const KeyPair& kp, std::string_view message) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ed = EVP_PKEY_get_base_id(kp.pkey.get()) == EVP_PKEY_ED25519;
  EVP_DigestSignInit(ctx, nullptr, ed ? nullptr : EVP_sha256(), nullptr, kp.pkey.get());
  size_t len = 0;
  auto* m = reinterpret_cast<const unsigned char*>(message.data());
  EVP_DigestSign(ctx, nullptr, &len, m, message.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, m, message.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  return sig;
}

PublicKey public_key(const KeyPair& kp, std::string_view name) {
  auto k = load_public_key(kp.public_pem, name);
  EXPECT_TRUE(k);
  return *k;
}

const std::string kDigest = "sha256:" + std::string(64, 'a');
const std::string kOther = "sha256:" + std::string(64, 'b');

std::string payload(std::string_view digest, std::string_view type = "cosign container image signature") {
  return fmt::format(R"({{"critical":{{"identity":{{"docker-reference":"127.0.0.1:5101/kg/app"}},)"
                     R"("image":{{"docker-manifest-digest":"{}"}},"type":"{}"}},"optional":null}})",
                     digest, type);
}

CosignSignature signed_with(const KeyPair& kp, std::string p) {
  CosignSignature s;
  s.payload = std::move(p);
  s.signature_b64 = base64_encode(sign(kp, s.payload));
  return s;
}

TEST(SupplySignature, KeyAlgorithms) {
  for (auto [type, param, name] : {std::tuple{"EC", "P-256", "ECDSA P-256"}, std::tuple{"EC", "P-384", "ECDSA P-384"},
                                   std::tuple{"RSA", "", "RSA 2048"}, std::tuple{"ED25519", "", "Ed25519"}}) {
    KeyPair kp = make_key(type, *param != '\0' ? param : nullptr);
    SignaturePolicy policy;
    policy.keys.push_back(public_key(kp, "k.pub"));
    EXPECT_EQ(policy.keys[0].algorithm, name);
    auto out = verify_signature(signed_with(kp, payload(kDigest)), kDigest, policy);
    EXPECT_TRUE(out.verified) << name << ": " << out.reason;
    EXPECT_EQ(out.signer, fmt::format("key k.pub ({})", name));
  }
}

TEST(SupplySignature, WrongKeyIsRejected) {
  KeyPair signer = make_key("EC", "P-256");
  KeyPair trusted = make_key("EC", "P-256");
  SignaturePolicy policy;
  policy.keys.push_back(public_key(trusted, "trusted.pub"));
  auto out = verify_signature(signed_with(signer, payload(kDigest)), kDigest, policy);
  EXPECT_FALSE(out.verified);
  EXPECT_NE(out.reason.find("trusted.pub"), std::string::npos) << out.reason;
}

TEST(SupplySignature, PayloadMustNameTheDigest) {
  KeyPair kp = make_key("EC", "P-256");
  SignaturePolicy policy;
  policy.keys.push_back(public_key(kp, "k.pub"));
  auto other = verify_signature(signed_with(kp, payload(kOther)), kDigest, policy);
  EXPECT_FALSE(other.verified);
  EXPECT_NE(other.reason.find(kOther), std::string::npos) << other.reason;
  auto type = verify_signature(signed_with(kp, payload(kDigest, "something else")), kDigest, policy);
  EXPECT_FALSE(type.verified);
  EXPECT_NE(type.reason.find("critical.type"), std::string::npos);
  auto garbage = verify_signature(signed_with(kp, "not json"), kDigest, policy);
  EXPECT_FALSE(garbage.verified);
}

TEST(SupplySignature, TamperedPayloadOrSignature) {
  KeyPair kp = make_key("EC", "P-256");
  SignaturePolicy policy;
  policy.keys.push_back(public_key(kp, "k.pub"));
  CosignSignature s = signed_with(kp, payload(kDigest));
  CosignSignature tampered = s;
  tampered.payload = payload(kOther);
  EXPECT_FALSE(verify_signature(tampered, kOther, policy).verified);
  CosignSignature bad = s;
  bad.signature_b64 = "!!!";
  EXPECT_NE(verify_signature(bad, kDigest, policy).reason.find("not base64"), std::string::npos);
  CosignSignature none = s;
  none.signature_b64.clear();
  EXPECT_FALSE(verify_signature(none, kDigest, policy).verified);
}

TEST(SupplySignature, NotAKey) {
  EXPECT_FALSE(load_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "x.pub"));
  auto k = load_public_key("hello", "x.pub");
  ASSERT_FALSE(k);
  EXPECT_NE(k.error().message.find("x.pub"), std::string::npos);
}

// A Rekor bundle as cosign attaches it: the signed entry timestamp is the log's
// signature over the canonical JSON of {body, integratedTime, logID, logIndex}.
std::string rekor_bundle(const KeyPair& rekor, const CosignSignature& s, int64_t time, const KeyPair& signer) {
  std::string entry = fmt::format(
      R"({{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{{"data":{{"hash":{{"algorithm":"sha256","value":"{}"}}}},)"
      R"("signature":{{"content":"{}","publicKey":{{"content":"{}"}}}}}}}})",
      sha256_hex(s.payload), s.signature_b64, base64_encode(signer.public_pem));
  std::string body = base64_encode(entry);
  std::string log_id = std::string(64, 'c');
  std::string canonical =
      fmt::format(R"({{"body":"{}","integratedTime":{},"logID":"{}","logIndex":{}}})", body, time, log_id, 42);
  return fmt::format(
      R"({{"SignedEntryTimestamp":"{}","Payload":{{"body":"{}","integratedTime":{},"logIndex":42,"logID":"{}"}}}})",
      base64_encode(sign(rekor, canonical)), body, time, log_id);
}

TEST(SupplySignature, RekorBundleCheckedOffline) {
  KeyPair kp = make_key("EC", "P-256");
  KeyPair rekor = make_key("EC", "P-256");
  SignaturePolicy policy;
  policy.keys.push_back(public_key(kp, "k.pub"));
  policy.rekor_key = public_key(rekor, "rekor.pub");
  CosignSignature s = signed_with(kp, payload(kDigest));
  EXPECT_NE(verify_signature(s, kDigest, policy).reason.find("no Rekor bundle"), std::string::npos);
  s.bundle_json = rekor_bundle(rekor, s, 1767225600, kp);
  auto ok = verify_signature(s, kDigest, policy);
  EXPECT_TRUE(ok.verified) << ok.reason;
  EXPECT_NE(ok.signer.find("Rekor at 1767225600"), std::string::npos);

  KeyPair other_log = make_key("EC", "P-256");
  CosignSignature forged = s;
  forged.bundle_json = rekor_bundle(other_log, s, 1767225600, kp);
  EXPECT_NE(verify_signature(forged, kDigest, policy).reason.find("does not verify with rekor.pub"), std::string::npos);

  // An entry that records another signature does not vouch for this one.
  CosignSignature other = signed_with(kp, payload(kDigest) + " ");
  CosignSignature swapped = s;
  swapped.bundle_json = rekor_bundle(rekor, other, 1767225600, kp);
  EXPECT_FALSE(verify_signature(swapped, kDigest, policy).verified);
}

TEST(SupplyDigest, ParseAndMatch) {
  EXPECT_TRUE(parse_digest(kDigest));
  EXPECT_FALSE(parse_digest("sha256:abc"));
  EXPECT_FALSE(parse_digest("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(parse_digest("md5:" + std::string(32, 'a')));
  EXPECT_FALSE(parse_digest(std::string(64, 'a')));
  auto d = parse_digest(sha256_digest("hello"));
  ASSERT_TRUE(d);
  EXPECT_TRUE(digest_matches(*d, "hello"));
  EXPECT_FALSE(digest_matches(*d, "hello!"));
  EXPECT_EQ(signature_tag(kDigest), "sha256-" + std::string(64, 'a') + ".sig");
}

TEST(SupplyManifest, IndexAndPlatformSelection) {
  std::string d1 = "sha256:" + std::string(64, '1');
  std::string d2 = "sha256:" + std::string(64, '2');
  std::string index = fmt::format(
      R"({{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
      R"({{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":10,"platform":{{"os":"linux","architecture":"arm64","variant":"v8"}}}},)"
      R"({{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":11,"platform":{{"os":"linux","architecture":"amd64"}}}}]}})",
      d1, d2);
  auto m = parse_manifest(index, "");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_TRUE(m->is_index);
  const Descriptor* amd = select_platform(*m, Platform{});
  ASSERT_NE(amd, nullptr);
  EXPECT_EQ(amd->digest, d2);
  const Descriptor* arm = select_platform(*m, *parse_platform("linux/arm64"));
  ASSERT_NE(arm, nullptr);
  EXPECT_EQ(arm->digest, d1);
  EXPECT_EQ(select_platform(*m, *parse_platform("linux/arm64/v7")), nullptr);
  EXPECT_EQ(select_platform(*m, *parse_platform("windows/amd64")), nullptr);
  EXPECT_FALSE(parse_platform("linux"));
  EXPECT_FALSE(parse_platform("linux/"));
}

TEST(SupplyManifest, DockerListAndErrors) {
  std::string d = "sha256:" + std::string(64, '3');
  auto list = parse_manifest(
      fmt::format(
          R"({{"schemaVersion":2,"manifests":[{{"mediaType":"x","digest":"{}","size":1,"platform":{{"os":"linux","architecture":"amd64"}}}}]}})",
          d),
      "application/vnd.docker.distribution.manifest.list.v2+json");
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->is_index);
  auto image = parse_manifest(
      fmt::format(
          R"({{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
          R"("config":{{"mediaType":"c","digest":"{}","size":5}},"layers":[{{"mediaType":"l","digest":"{}","size":7}}]}})",
          d, d),
      "");
  ASSERT_TRUE(image) << image.error().message;
  EXPECT_FALSE(image->is_index);
  EXPECT_EQ(image->layers.size(), 1u);
  EXPECT_FALSE(parse_manifest(R"({"schemaVersion":1,"fsLayers":[]})", ""));
  auto bad = parse_manifest(R"({"schemaVersion":2,"config":{"digest":"sha256:zz","size":1},"layers":[]})", "");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("config.digest"), std::string::npos);
  EXPECT_FALSE(parse_manifest("[", ""));
}

}  // namespace
}  // namespace kg::supply
