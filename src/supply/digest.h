// Content digests as OCI uses them: "sha256:<64 hex>" (and sha512). Every
// manifest and blob the registry client returns is checked against one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kg::supply {

struct Digest {
  std::string algorithm;  // "sha256" or "sha512"
  std::string hex;        // lower case, 64 or 128 characters
  std::string text() const { return algorithm + ":" + hex; }
};

// nullopt unless the text is exactly algorithm:hex with the right length.
std::optional<Digest> parse_digest(std::string_view text);

// "sha256:<hex>" of the bytes.
std::string sha256_digest(std::string_view bytes);
// Lower-case hex of the SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

// True when the bytes hash to the digest (sha256 or sha512).
bool digest_matches(const Digest& digest, std::string_view bytes);

}  // namespace kg::supply
