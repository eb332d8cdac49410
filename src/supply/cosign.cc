#include "supply/cosign.h"

#include <algorithm>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <re2/re2.h>

#include "supply/digest.h"
#include "supply/json.h"
#include "supply/manifest.h"
#include "util/base64.h"

namespace kg::supply {

struct KeyMaterial {
  EVP_PKEY* pkey = nullptr;
  explicit KeyMaterial(EVP_PKEY* k) : pkey(k) {}
  KeyMaterial(const KeyMaterial&) = delete;
  KeyMaterial& operator=(const KeyMaterial&) = delete;
  ~KeyMaterial() { EVP_PKEY_free(pkey); }
};

namespace {

using util::Error;
using util::ErrorKind;
using util::Expected;

// Owning handles, so every early return frees what it made.
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct StackDeleter {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
struct StoreDeleter {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct StoreCtxDeleter {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct NamesDeleter {
  void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using StackPtr = std::unique_ptr<STACK_OF(X509), StackDeleter>;

BioPtr memory_bio(std::string_view text) { return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size()))); }

std::vector<X509Ptr> read_certificates(std::string_view pem) {
  std::vector<X509Ptr> out;
  BioPtr bio = memory_bio(pem);
  if (!bio) return out;
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(x);
  return out;
}

std::string describe_key(EVP_PKEY* pkey) {
  int id = EVP_PKEY_get_base_id(pkey);
  if (id == EVP_PKEY_ED25519) return "Ed25519";
  if (id == EVP_PKEY_RSA) return fmt::format("RSA {}", EVP_PKEY_get_bits(pkey));
  if (id == EVP_PKEY_EC) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_group_name(pkey, group, sizeof group, &len) == 1) {
      std::string_view g(group, len);
      if (g == "prime256v1" || g == "P-256") return "ECDSA P-256";
      if (g == "secp384r1" || g == "P-384") return "ECDSA P-384";
      if (g == "secp521r1" || g == "P-521") return "ECDSA P-521";
      return fmt::format("ECDSA {}", g);
    }
    return "ECDSA";
  }
  return "unsupported";
}

// SHA-256 with ECDSA (DER signature) or RSA PKCS#1 v1.5, as cosign signs; the
// message itself for Ed25519.
bool verify_with(EVP_PKEY* pkey, std::string_view message, std::string_view signature) {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  const EVP_MD* md = EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, pkey) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

bool matches(std::string_view value, const std::string& exact, const std::string& pattern) {
  if (!exact.empty() && value != exact) return false;
  if (!pattern.empty()) {
    RE2 re(pattern, RE2::Quiet);
    if (!re.ok() || !RE2::FullMatch(value, re)) return false;
  }
  return true;
}

std::vector<std::string> subject_names(X509* cert) {
  std::vector<std::string> out;
  std::unique_ptr<GENERAL_NAMES, NamesDeleter> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
    const ASN1_STRING* s = nullptr;
    if (n->type == GEN_EMAIL) s = n->d.rfc822Name;
    else if (n->type == GEN_URI) s = n->d.uniformResourceIdentifier;
    if (s == nullptr) continue;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
  }
  return out;
}

// The OIDC issuer Fulcio (and cosign's bring-your-own-PKI certificates) record.
std::string oidc_issuer(X509* cert) {
  for (const char* oid : {"1.3.6.1.4.1.57264.1.8", "1.3.6.1.4.1.57264.1.1"}) {
    ASN1_OBJECT* obj = OBJ_txt2obj(oid, 1);
    if (obj == nullptr) continue;
    int index = X509_get_ext_by_OBJ(cert, obj, -1);
    ASN1_OBJECT_free(obj);
    if (index < 0) continue;
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert, index));
    const unsigned char* p = ASN1_STRING_get0_data(data);
    int len = ASN1_STRING_length(data);
    if (std::string_view(oid).ends_with(".8")) {
      // DER UTF8String.
      ASN1_UTF8STRING* s = d2i_ASN1_UTF8STRING(nullptr, &p, len);
      if (s == nullptr) continue;
      std::string out(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
      ASN1_UTF8STRING_free(s);
      return out;
    }
    return std::string(reinterpret_cast<const char*>(p), len);  // .1.1: the raw bytes
  }
  return {};
}

// Checks the Rekor bundle: the signed entry timestamp over the canonical JSON
// of its payload, and that the entry (a hashedrekord) is this signature over
// this payload. Sets `integrated_time` on success.
std::string check_bundle(const CosignSignature& sig, const PublicKey& rekor_key, int64_t& integrated_time) {
  if (sig.bundle_json.empty()) return "no Rekor bundle (the policy requires one)";
  JsonValue v = parse_json(sig.bundle_json, "bundle");
  if (!v.root || !v.root->is_mapping()) return "the Rekor bundle is not JSON";
  std::string_view set_b64 = string_at(*v.root, "SignedEntryTimestamp");
  const doc::Node* payload = v.root->get("Payload");
  if (set_b64.empty() || payload == nullptr || !payload->is_mapping())
    return "the Rekor bundle lacks its SET or payload";
  std::string_view body = string_at(*payload, "body");
  std::string_view log_id = string_at(*payload, "logID");
  const doc::Node* time_node = payload->get("integratedTime");
  const doc::Node* index_node = payload->get("logIndex");
  if (body.empty() || log_id.empty() || time_node == nullptr || index_node == nullptr || !time_node->as_int() ||
      !index_node->as_int()) {
    return "the Rekor bundle's payload lacks body, integratedTime, logIndex or logID";
  }
  for (char c : std::string(body) + std::string(log_id)) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return "the Rekor bundle's payload is malformed";
  }
  // RFC 8785 canonical form: keys sorted, no spaces; the values are plain
  // ASCII strings and integers.
  std::string canonical = fmt::format(R"({{"body":"{}","integratedTime":{},"logID":"{}","logIndex":{}}})", body,
                                      *time_node->as_int(), log_id, *index_node->as_int());
  auto set = util::base64_decode(set_b64);
  if (!set || !verify_with(rekor_key.key->pkey, canonical, *set)) {
    return fmt::format("the Rekor signed entry timestamp does not verify with {}", rekor_key.source);
  }
  auto entry = util::base64_decode(body);
  JsonValue e = entry ? parse_json(*entry, "rekor entry") : JsonValue{};
  const doc::Node* spec = e.root ? e.root->get("spec") : nullptr;
  const doc::Node* hash = spec != nullptr ? spec->find({"data", "hash"}) : nullptr;
  const doc::Node* signature = spec != nullptr ? spec->get("signature") : nullptr;
  if (hash == nullptr || signature == nullptr) return "the Rekor entry is not a hashedrekord";
  if (string_at(*hash, "algorithm") != "sha256" || string_at(*hash, "value") != sha256_hex(sig.payload)) {
    return "the Rekor entry records another payload";
  }
  if (string_at(*signature, "content") != sig.signature_b64) return "the Rekor entry records another signature";
  integrated_time = *time_node->as_int();
  return {};
}

std::string check_certificate(const CosignSignature& sig, const CertificateTrust& trust, std::string_view signature,
                              std::optional<int64_t> at_time, std::string& signer) {
  auto leaf_list = read_certificates(sig.certificate_pem);
  if (leaf_list.empty()) return "the signing certificate is not PEM";
  X509* leaf = leaf_list.front().get();
  std::unique_ptr<X509_STORE, StoreDeleter> store(X509_STORE_new());
  auto roots = read_certificates(trust.roots_pem);
  for (auto& r : roots) X509_STORE_add_cert(store.get(), r.get());
  StackPtr untrusted(sk_X509_new_null());
  for (auto& c : read_certificates(sig.chain_pem)) sk_X509_push(untrusted.get(), c.release());
  std::unique_ptr<X509_STORE_CTX, StoreCtxDeleter> ctx(X509_STORE_CTX_new());
  if (!store || !untrusted || !ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) != 1) {
    return "could not set up certificate verification";
  }
  if (at_time) X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), static_cast<time_t>(*at_time));
  if (X509_verify_cert(ctx.get()) != 1) {
    return fmt::format("the signing certificate does not chain to the roots of {}: {}", trust.source,
                       X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
  }
  if ((X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) == 0 ||
      (X509_get_extended_key_usage(leaf) & XKU_CODE_SIGN) == 0) {
    return "the signing certificate is not for code signing (extended key usage)";
  }
  auto names = subject_names(leaf);
  std::string issuer = oidc_issuer(leaf);
  std::string first_name = names.empty() ? std::string("(no e-mail or URI name)") : names.front();
  bool identity_ok = false;
  for (const auto& id : trust.identities) {
    bool issuer_ok = matches(issuer, id.issuer, id.issuer_regexp);
    for (const auto& n : names) {
      if (issuer_ok && matches(n, id.subject, id.subject_regexp)) {
        identity_ok = true;
        first_name = n;
      }
    }
  }
  if (!identity_ok) {
    return fmt::format("certificate identity {} (issuer {}) is not one the policy trusts", first_name,
                       issuer.empty() ? "none" : issuer);
  }
  EVP_PKEY* pkey = X509_get0_pubkey(leaf);
  if (pkey == nullptr || !verify_with(pkey, sig.payload, signature)) {
    return fmt::format("the signature does not verify with the certificate of {}", first_name);
  }
  signer = fmt::format("certificate {} (issuer {}), chained to {}", first_name, issuer.empty() ? "none" : issuer,
                       trust.source);
  return {};
}

// The simple-signing payload must name `digest`.
std::string check_payload(std::string_view payload, std::string_view digest) {
  JsonValue v = parse_json(payload, "payload");
  if (!v.root || !v.root->is_mapping()) return "the signed payload is not JSON";
  const doc::Node* critical = v.root->get("critical");
  if (critical == nullptr || !critical->is_mapping()) return "the signed payload has no critical section";
  std::string_view type = string_at(*critical, "type");
  if (type != "cosign container image signature") {
    return fmt::format("the signed payload's critical.type is '{}', not a cosign container image signature", type);
  }
  const doc::Node* image = critical->get("image");
  std::string_view signed_digest = image != nullptr ? string_at(*image, "docker-manifest-digest") : std::string_view{};
  if (signed_digest != digest) {
    return fmt::format("the signature is for digest {}, not {}", signed_digest.empty() ? "(none)" : signed_digest,
                       digest);
  }
  return {};
}

}  // namespace

Expected<PublicKey> load_public_key(std::string_view pem, std::string_view source) {
  BioPtr bio = memory_bio(pem);
  EVP_PKEY* pkey = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (pkey == nullptr) return Error{ErrorKind::Config, fmt::format("{}: not a PEM public key", source)};
  auto material = std::make_shared<const KeyMaterial>(pkey);
  std::string algorithm = describe_key(pkey);
  if (algorithm == "unsupported") {
    return Error{ErrorKind::Config, fmt::format("{}: key type is not ECDSA, RSA or Ed25519", source)};
  }
  return PublicKey{std::string(source), std::move(algorithm), std::move(material)};
}

std::string signature_tag(std::string_view digest) {
  std::string tag(digest);
  auto colon = tag.find(':');
  if (colon != std::string::npos) tag[colon] = '-';
  return tag + ".sig";
}

SignatureOutcome verify_signature(const CosignSignature& sig, std::string_view digest, const SignaturePolicy& policy) {
  SignatureOutcome out;
  auto signature = util::base64_decode(sig.signature_b64);
  if (sig.signature_b64.empty() || !signature) {
    out.reason = fmt::format("the {} annotation is missing or not base64", kSignatureAnnotation);
    return out;
  }
  std::optional<int64_t> integrated_time;
  if (policy.rekor_key) {
    int64_t t = 0;
    out.reason = check_bundle(sig, *policy.rekor_key, t);
    if (!out.reason.empty()) return out;
    integrated_time = t;
  }
  std::vector<std::string> why;
  for (const auto& key : policy.keys) {
    if (verify_with(key.key->pkey, sig.payload, *signature)) {
      out.signer = fmt::format("key {} ({})", key.source, key.algorithm);
      break;
    }
  }
  if (out.signer.empty() && !policy.keys.empty()) {
    std::string sources;
    for (const auto& k : policy.keys) sources += (sources.empty() ? "" : ", ") + k.source;
    why.push_back(fmt::format("the signature does not verify with any trusted key ({})", sources));
    bool ed25519 = std::any_of(policy.keys.begin(), policy.keys.end(),
                               [](const PublicKey& k) { return k.algorithm == "Ed25519"; });
    // cosign signs with Ed25519ph (pre-hashed) for Ed25519 keys; OpenSSL
    // verifies that variant only from 3.2 on.
    if (ed25519) why.emplace_back("for Ed25519 keys only pure Ed25519 is verified, not cosign's Ed25519ph");
  }
  if (out.signer.empty() && policy.certificates) {
    if (sig.certificate_pem.empty()) {
      why.emplace_back("the signature carries no certificate");
    } else {
      std::string signer;
      std::string reason = check_certificate(sig, *policy.certificates, *signature, integrated_time, signer);
      if (reason.empty()) out.signer = std::move(signer);
      else why.push_back(std::move(reason));
    }
  }
  if (out.signer.empty()) {
    if (why.empty()) why.emplace_back("the policy names no key and no certificate roots");
    for (const auto& w : why) out.reason += (out.reason.empty() ? "" : "; ") + w;
    return out;
  }
  // Authentic; now it must be about this image.
  out.reason = check_payload(sig.payload, digest);
  out.verified = out.reason.empty();
  if (integrated_time && out.verified) out.signer += fmt::format(", in Rekor at {}", *integrated_time);
  return out;
}

Expected<SignatureReport> verify_cosign(RegistryClient& client, std::string_view repository, std::string_view digest,
                                        const SignaturePolicy& policy) {
  SignatureReport report;
  report.signature_tag = signature_tag(digest);
  auto fetched = client.manifest(repository, report.signature_tag);
  if (!fetched) {
    if (fetched.error().kind == ErrorKind::NotFound) return report;
    return fetched.error();
  }
  auto manifest = parse_manifest(fetched->body, fetched->media_type);
  if (!manifest) return Error{ErrorKind::Decode, fmt::format("{}: {}", report.signature_tag, manifest.error().message)};
  if (manifest->is_index) {
    return Error{ErrorKind::Decode, fmt::format("{} is an index, not a signature manifest", report.signature_tag)};
  }
  for (const auto& layer : manifest->layers) {
    if (layer.media_type != kSimpleSigningMediaType) continue;
    ++report.found;
    auto annotation = [&](std::string_view key) {
      auto it = layer.annotations.find(key);
      return it == layer.annotations.end() ? std::string() : it->second;
    };
    CosignSignature sig;
    sig.signature_b64 = annotation(kSignatureAnnotation);
    sig.certificate_pem = annotation(kCertificateAnnotation);
    sig.chain_pem = annotation(kChainAnnotation);
    sig.bundle_json = annotation(kBundleAnnotation);
    auto payload = client.blob(repository, layer.digest, size_t{256} << 10);
    if (!payload) {
      report.rejected.push_back(fmt::format("payload {}: {}", layer.digest, payload.error().message));
      continue;
    }
    sig.payload = std::move(payload->body);
    SignatureOutcome outcome = verify_signature(sig, digest, policy);
    if (outcome.verified) {
      if (!report.trusted) {
        report.trusted = true;
        report.signer = std::move(outcome.signer);
      }
    } else {
      report.rejected.push_back(std::move(outcome.reason));
    }
  }
  return report;
}

}  // namespace kg::supply
