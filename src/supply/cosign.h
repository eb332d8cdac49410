// cosign signature verification as its specification describes it
// (sigstore/cosign specs/SIGNATURE_SPEC.md): the signatures of the image
// manifest with digest sha256:<hex> are the layers of the manifest tagged
// "sha256-<hex>.sig" in the same repository; each layer is a simple-signing
// payload whose critical.image.docker-manifest-digest must be that digest,
// with the base64 signature in the dev.cosignproject.cosign/signature
// annotation, and optionally a signing certificate, its chain and a Rekor
// bundle in dev.sigstore.cosign/{certificate,chain,bundle}.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "supply/registry_client.h"
#include "util/expected.h"

namespace kg::supply {

struct KeyMaterial;  // an OpenSSL public key, shared and immutable

// A public key that may sign: ECDSA (P-256, P-384, P-521), RSA or Ed25519.
struct PublicKey {
  std::string source;     // file name, for messages
  std::string algorithm;  // "ECDSA P-256", "RSA 4096", "Ed25519"
  std::shared_ptr<const KeyMaterial> key;
};

// Reads a PEM "PUBLIC KEY" (what `cosign generate-key-pair` writes to cosign.pub).
util::Expected<PublicKey> load_public_key(std::string_view pem, std::string_view source);

// Who may sign with a certificate: the certificate's subject alternative name
// (e-mail or URI) and the OIDC issuer extension (1.3.6.1.4.1.57264.1.8, or the
// older .1.1), each exact or an RE2 pattern matching the whole value; an empty
// field matches anything (at least one of subject and subjectRegExp is required
// by the policy reader).
struct CertificateIdentity {
  std::string subject;
  std::string subject_regexp;
  std::string issuer;
  std::string issuer_regexp;
};

struct CertificateTrust {
  std::string roots_pem;  // one or more CA certificates
  std::string source;     // where the roots came from
  std::vector<CertificateIdentity> identities;
};

struct SignaturePolicy {
  std::vector<PublicKey> keys;
  std::optional<CertificateTrust> certificates;
  // When set, a signature counts only with a Rekor bundle whose signed entry
  // timestamp verifies with this key and whose entry is this signature.
  std::optional<PublicKey> rekor_key;
};

// One signature layer of a .sig manifest.
struct CosignSignature {
  std::string payload;          // the layer's bytes (checked against its digest)
  std::string signature_b64;    // dev.cosignproject.cosign/signature
  std::string certificate_pem;  // dev.sigstore.cosign/certificate
  std::string chain_pem;        // dev.sigstore.cosign/chain
  std::string bundle_json;      // dev.sigstore.cosign/bundle
};

struct SignatureOutcome {
  bool verified = false;
  std::string signer;  // the key or certificate identity that verified
  std::string reason;  // why not, when not verified
};

// Verifies one signature over `digest` ("sha256:...") against the policy.
SignatureOutcome verify_signature(const CosignSignature& signature, std::string_view digest,
                                  const SignaturePolicy& policy);

struct SignatureReport {
  std::string signature_tag;  // "sha256-<hex>.sig"
  size_t found = 0;           // signature layers found
  bool trusted = false;
  std::string signer;                 // of the first signature that verified
  std::vector<std::string> rejected;  // why each other signature did not count
};

// The "sha256-<hex>.sig" tag of a digest.
std::string signature_tag(std::string_view digest);

// Fetches and verifies the signatures of repository@digest. No signature
// manifest is found == 0; registry failures other than 404 are errors.
util::Expected<SignatureReport> verify_cosign(RegistryClient& client, std::string_view repository,
                                              std::string_view digest, const SignaturePolicy& policy);

inline constexpr std::string_view kSimpleSigningMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr std::string_view kSignatureAnnotation = "dev.cosignproject.cosign/signature";
inline constexpr std::string_view kCertificateAnnotation = "dev.sigstore.cosign/certificate";
inline constexpr std::string_view kChainAnnotation = "dev.sigstore.cosign/chain";
inline constexpr std::string_view kBundleAnnotation = "dev.sigstore.cosign/bundle";

}  // namespace kg::supply
