// The supply-chain part of .kubeguard.yaml: which images must be signed by
// whom (`imagePolicies`) and how to reach registries (`registryAuth`).
//
//   imagePolicies:
//     - images: ["registry.example.com/prod/*"]   # globs over registry/path
//       keys: [keys/cosign.pub]                   # paths relative to the file
//       certificates:
//         roots: keys/ca.pem
//         identities: [{subject: ci@example.com, issuer: https://issuer.example.com}]
//       rekorKey: keys/rekor.pub                   # optional: require a Rekor bundle
//       requireDigest: true
//   registryAuth:
//     dockerConfig: ~/.docker/config.json
//     pullSecrets: [secrets/regcred.yaml]
//     caFile: certs/registry-ca.pem
//     timeoutSeconds: 20
//     platform: linux/amd64
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/node.h"
#include "supply/cosign.h"

namespace kg::supply {

struct ImagePolicy {
  std::vector<std::string> images;  // fnmatch globs ('*' crosses '/') over "registry/path"
  SignaturePolicy signatures;
  bool require_digest = false;
};

struct RegistryAuthSettings {
  std::string docker_config;              // "" when none
  std::vector<std::string> pull_secrets;  // Secret files
  std::string ca_file;                    // extra CA certificates for registries
  long timeout_seconds = 20;
  std::string platform = "linux/amd64";
};

struct ImagePolicies {
  std::vector<ImagePolicy> policies;
  RegistryAuthSettings auth;

  bool empty() const { return policies.empty(); }
  // The first policy with a pattern matching `repository` and that pattern;
  // nullptr when none.
  const ImagePolicy* match(std::string_view repository, std::string* pattern = nullptr) const;
};

using PolicyErrorSink = std::function<void(doc::Mark, std::string)>;

// Reads `imagePolicies` (a list); key and root files are read now, relative to
// `base_dir`, so a bad file is reported at its field.
std::vector<ImagePolicy> parse_image_policies(const doc::Node& node, const std::string& base_dir,
                                              const PolicyErrorSink& error);
RegistryAuthSettings parse_registry_auth(const doc::Node& node, const std::string& base_dir,
                                         const PolicyErrorSink& error);

// "~/x" -> "$HOME/x"; relative paths are joined to base_dir.
std::string resolve_path(std::string_view path, const std::string& base_dir);

}  // namespace kg::supply
