// Registry credentials and the registry's WWW-Authenticate challenge.
// Credentials come from a docker config.json (`auths`) or a Kubernetes image
// pull secret (.dockerconfigjson, or the older .dockercfg); they are held in
// memory only and never printed: errors name the file and the registry key.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "doc/node.h"
#include "util/expected.h"

namespace kg::supply {

// Holds secrets: never print it.
struct Credential {
  std::string username;
  std::string password;
  std::string identity_token;  // docker's "identitytoken": a refresh token for the token server
  std::string source;          // the file (and key) it came from, for messages
  bool empty() const { return username.empty() && password.empty() && identity_token.empty(); }
};

// One challenge of a WWW-Authenticate header: scheme (lower-cased) and its
// parameters (names lower-cased, values unquoted).
struct Challenge {
  std::string scheme;
  std::map<std::string, std::string> params;
};

// RFC 7235 challenges; a header may carry several, and values may hold commas
// inside quotes. Unparseable parts end the list (what came before is kept).
std::vector<Challenge> parse_challenges(std::string_view header);

// Credentials by registry, as the kubelet and docker look them up.
class CredentialStore {
 public:
  // Reads `auths` of a docker config.json (or a .dockercfg map). `source`
  // names the text in errors.
  util::Expected<util::Done> add_docker_config(std::string_view json, std::string_view source);
  // A Secret of type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg,
  // as YAML or JSON (data base64-encoded, or stringData).
  util::Expected<util::Done> add_pull_secret(std::string_view text, std::string_view source);

  // The credential for `repository` ("registry[:port]/path"): the entry whose
  // host matches and whose path (if it has one) is the longest prefix of the
  // repository's path. nullptr when none.
  const Credential* find(std::string_view repository) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string host;  // normalised: no scheme, "docker.io" for the Docker Hub aliases
    std::string path;  // "" or a path prefix
    Credential credential;
  };
  util::Expected<util::Done> add_auths(const doc::Node& auths, std::string_view source);
  std::vector<Entry> entries_;
};

// Normalises a registry name as the docker config keys write it:
// "https://index.docker.io/v1/" -> "docker.io", "https://r.example:5000" -> "r.example:5000".
std::string normalize_registry(std::string_view key);

}  // namespace kg::supply
