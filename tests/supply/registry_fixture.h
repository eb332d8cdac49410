// A real registry for the supply-chain tests: scripts/registry.sh (Debian's
// docker-registry with TLS and htpasswd basic auth, or in token mode Bearer
// tokens from scripts/registry/token_server.py) on a free loopback port
// with its own run dir, filled from the signed OCI layout in
// tests/supply/data by skopeo (digests preserved). The registry is a declared
// dependency (scripts/install-deps.sh): when it is missing the tests fail,
// they never skip.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace kg::testing {

// How the registry asks for credentials: Basic (htpasswd) answers the
// user and password itself; Token sends clients to the token server for a
// Bearer token, asked for with the same user and password.
enum class RegistryAuth { Basic, Token };

class TestRegistry {
 public:
  // token_seconds > 0 (token mode): the registry accepts each token for that
  // many seconds only. The token server backdates its tokens by the 60 s of
  // clock skew distribution forgives past exp, so a test sees a token
  // expire without waiting a minute.
  explicit TestRegistry(RegistryAuth auth = RegistryAuth::Basic, int token_seconds = 0);
  ~TestRegistry();
  TestRegistry(const TestRegistry&) = delete;
  TestRegistry& operator=(const TestRegistry&) = delete;

  // Empty when the registry started; otherwise what went wrong.
  const std::string& error() const { return error_; }

  // Copies layout ref `ref` ("kg/signed:v1") to `dest` in the registry
  // ("kg/other:v1"; default: the same name). Returns "" or the error.
  std::string push(const std::string& ref, const std::string& dest = "") const;
  // Every ref of the layout, or those of the given repositories ("kg/signed"
  // pushes kg/signed:v1 and its signature tag).
  std::string push_all() const;
  std::string push_repositories(const std::vector<std::string>& repositories) const;
  // Copies ref `ref` of the OCI layout at `layout` to `dest` in the registry,
  // with more skopeo copy flags (e.g. "--dest-compress-format zstd").
  std::string push_layout(const std::string& layout, const std::string& ref, const std::string& dest,
                          const std::string& flags = "") const;
  // The same from any skopeo source ("dir:/path").
  std::string push_source(const std::string& source, const std::string& dest, const std::string& flags = "") const;

  const std::string& address() const { return address_; }  // 127.0.0.1:PORT
  const std::string& dir() const { return dir_; }
  std::string ca_file() const { return dir_ + "/pki/ca.crt"; }
  std::string docker_config() const { return dir_ + "/docker/config.json"; }
  std::string password() const;
  RegistryAuth auth() const { return auth_; }
  // Token mode: the token server's log, one JSON object per request (client,
  // account, auth, scopes, granted, status; never a password or token).
  std::string token_log() const { return dir_ + "/token.log"; }

  // tests/supply/data paths and the digests the fixture script recorded.
  static std::string data(const std::string& relative);
  static std::map<std::string, std::string> digests();
  static std::vector<std::string> layout_refs();

 private:
  std::string run(const std::string& command) const;
  RegistryAuth auth_;
  std::string dir_;
  std::string address_;
  std::string env_;
  std::string error_;
};

}  // namespace kg::testing
