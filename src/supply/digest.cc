#include "supply/digest.h"

#include <array>

#include <openssl/evp.h>

namespace kg::supply {
namespace {

std::string hex_of(const unsigned char* data, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 0xf];
  }
  return out;
}

std::string hash_hex(const EVP_MD* md, std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &size, md, nullptr) != 1) return {};
  return hex_of(out.data(), size);
}

}  // namespace

std::optional<Digest> parse_digest(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view algorithm = text.substr(0, colon);
  std::string_view hex = text.substr(colon + 1);
  size_t want = algorithm == "sha256" ? 64 : algorithm == "sha512" ? 128 : 0;
  if (want == 0 || hex.size() != want) return std::nullopt;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return Digest{std::string(algorithm), std::string(hex)};
}

std::string sha256_hex(std::string_view bytes) { return hash_hex(EVP_sha256(), bytes); }

std::string sha256_digest(std::string_view bytes) { return "sha256:" + sha256_hex(bytes); }

bool digest_matches(const Digest& digest, std::string_view bytes) {
  const EVP_MD* md = digest.algorithm == "sha256"   ? EVP_sha256()
                     : digest.algorithm == "sha512" ? EVP_sha512()
                                                    : nullptr;
  if (md == nullptr) return false;
  return hash_hex(md, bytes) == digest.hex;
}

}  // namespace kg::supply
