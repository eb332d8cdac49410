#include "supply/policy.h"

#include <fnmatch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <re2/re2.h>

#include "supply/manifest.h"

namespace kg::supply {
namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class PolicyReader {
 public:
  PolicyReader(const std::string& base_dir, const PolicyErrorSink& error) : base_(base_dir), error_(error) {}

  std::vector<std::string> strings(const doc::Node& node, std::string_view field) {
    std::vector<std::string> out;
    if (node.is_scalar() && !node.is_null()) {
      out.emplace_back(node.str());
      return out;
    }
    if (!node.is_sequence()) {
      error_(node.mark(), fmt::format("{}: expected a list of strings", field));
      return out;
    }
    for (const auto& item : node.items()) {
      if (!item.is_scalar() || item.is_null()) error_(item.mark(), fmt::format("{}: expected a string", field));
      else out.emplace_back(item.str());
    }
    return out;
  }

  std::optional<std::string> file(const doc::Node& node, std::string_view field) {
    if (!node.is_scalar() || node.is_null() || node.str().empty()) {
      error_(node.mark(), fmt::format("{}: expected a file name", field));
      return std::nullopt;
    }
    std::string path = resolve_path(node.str(), base_);
    auto text = read_file(path);
    if (!text) error_(node.mark(), fmt::format("{}: cannot read '{}'", field, path));
    return text;
  }

  std::optional<PublicKey> key(const doc::Node& node, std::string_view field) {
    auto text = file(node, field);
    if (!text) return std::nullopt;
    auto k = load_public_key(*text, node.str());
    if (!k) {
      error_(node.mark(), fmt::format("{}: {}", field, k.error().message));
      return std::nullopt;
    }
    return *k;
  }

  void regexp(const doc::Node& node, std::string_view field) {
    RE2 re(std::string(node.str()), RE2::Quiet);
    if (!re.ok()) error_(node.mark(), fmt::format("{}: not a valid RE2 pattern: {}", field, re.error()));
  }

  std::optional<CertificateTrust> certificates(const doc::Node& node, std::string_view field) {
    if (!node.is_mapping()) {
      error_(node.mark(), fmt::format("{}: expected a mapping with roots and identities", field));
      return std::nullopt;
    }
    CertificateTrust trust;
    bool has_roots = false;
    for (const auto& e : node.entries()) {
      std::string f = fmt::format("{}.{}", field, e.key);
      if (e.key == "roots") {
        for (const auto& name : strings(e.value, f)) {
          doc::Node at =
              e.value.is_sequence() ? doc::Node::scalar(name, doc::ScalarType::String, e.value.mark()) : e.value;
          if (auto text = file(at, f)) {
            trust.roots_pem += *text;
            trust.source += (trust.source.empty() ? "" : ", ") + name;
            has_roots = true;
          }
        }
      } else if (e.key == "identities") {
        if (!e.value.is_sequence()) {
          error_(e.value.mark(), fmt::format("{}: expected a list of {{subject, issuer}}", f));
          continue;
        }
        for (const auto& item : e.value.items()) {
          if (!item.is_mapping()) {
            error_(item.mark(), fmt::format("{}: expected a mapping", f));
            continue;
          }
          CertificateIdentity id;
          for (const auto& g : item.entries()) {
            std::string gf = fmt::format("{}.{}", f, g.key);
            std::string value(g.value.str());
            if (g.key == "subject") id.subject = value;
            else if (g.key == "subjectRegExp") id.subject_regexp = value, regexp(g.value, gf);
            else if (g.key == "issuer") id.issuer = value;
            else if (g.key == "issuerRegExp") id.issuer_regexp = value, regexp(g.value, gf);
            else
              error_(g.key_mark,
                     fmt::format("{}: unknown field (known: subject, subjectRegExp, issuer, issuerRegExp)", gf));
          }
          if (id.subject.empty() && id.subject_regexp.empty()) {
            error_(item.mark(), fmt::format("{}: an identity needs subject or subjectRegExp", f));
            continue;
          }
          trust.identities.push_back(std::move(id));
        }
      } else {
        error_(e.key_mark, fmt::format("{}: unknown field (known: roots, identities)", f));
      }
    }
    if (!has_roots) {
      error_(node.mark(), fmt::format("{}: roots (CA certificates) are required", field));
      return std::nullopt;
    }
    if (trust.identities.empty()) {
      error_(node.mark(), fmt::format("{}: identities are required (who may sign)", field));
      return std::nullopt;
    }
    return trust;
  }

  std::optional<ImagePolicy> policy(const doc::Node& node, size_t index) {
    std::string field = fmt::format("imagePolicies[{}]", index);
    if (!node.is_mapping()) {
      error_(node.mark(), fmt::format("{}: expected a mapping", field));
      return std::nullopt;
    }
    ImagePolicy p;
    bool ok = true;
    for (const auto& e : node.entries()) {
      std::string f = fmt::format("{}.{}", field, e.key);
      if (e.key == "images") {
        p.images = strings(e.value, f);
      } else if (e.key == "keys") {
        if (e.value.is_sequence()) {
          for (const auto& item : e.value.items()) {
            if (auto k = key(item, f)) p.signatures.keys.push_back(std::move(*k));
            else ok = false;
          }
        } else if (auto k = key(e.value, f)) {
          p.signatures.keys.push_back(std::move(*k));
        } else {
          ok = false;
        }
      } else if (e.key == "certificates") {
        p.signatures.certificates = certificates(e.value, f);
        ok = ok && p.signatures.certificates.has_value();
      } else if (e.key == "rekorKey") {
        p.signatures.rekor_key = key(e.value, f);
        ok = ok && p.signatures.rekor_key.has_value();
      } else if (e.key == "requireDigest") {
        auto b = e.value.as_bool();
        if (!b) error_(e.value.mark(), fmt::format("{}: expected true or false", f));
        p.require_digest = b.value_or(false);
      } else {
        error_(e.key_mark,
               fmt::format("{}: unknown field (known: images, keys, certificates, rekorKey, requireDigest)", f));
      }
    }
    if (p.images.empty()) {
      error_(node.mark(), fmt::format("{}: images (patterns) are required", field));
      return std::nullopt;
    }
    if (p.signatures.keys.empty() && !p.signatures.certificates) {
      if (ok) error_(node.mark(), fmt::format("{}: keys or certificates are required (who may sign)", field));
      return std::nullopt;
    }
    if (!ok) return std::nullopt;
    return p;
  }

 private:
  const std::string& base_;
  const PolicyErrorSink& error_;
};

}  // namespace

std::string resolve_path(std::string_view path, const std::string& base_dir) {
  std::string p(path);
  if (p == "~" || p.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    return std::string(home != nullptr ? home : "") + p.substr(1);
  }
  if (!p.empty() && p.front() == '/') return p;
  if (base_dir.empty()) return p;
  return (std::filesystem::path(base_dir) / p).string();
}

const ImagePolicy* ImagePolicies::match(std::string_view repository, std::string* pattern) const {
  std::string repo(repository);
  for (const auto& p : policies) {
    for (const auto& glob : p.images) {
      if (fnmatch(glob.c_str(), repo.c_str(), 0) == 0) {
        if (pattern != nullptr) *pattern = glob;
        return &p;
      }
    }
  }
  return nullptr;
}

std::vector<ImagePolicy> parse_image_policies(const doc::Node& node, const std::string& base_dir,
                                              const PolicyErrorSink& error) {
  std::vector<ImagePolicy> out;
  if (node.is_null()) return out;
  if (!node.is_sequence()) {
    error(node.mark(), "imagePolicies: expected a list of policies");
    return out;
  }
  PolicyReader reader(base_dir, error);
  size_t index = 0;
  for (const auto& item : node.items()) {
    if (auto p = reader.policy(item, index)) out.push_back(std::move(*p));
    ++index;
  }
  return out;
}

RegistryAuthSettings parse_registry_auth(const doc::Node& node, const std::string& base_dir,
                                         const PolicyErrorSink& error) {
  RegistryAuthSettings out;
  if (node.is_null()) return out;
  if (!node.is_mapping()) {
    error(node.mark(), "registryAuth: expected a mapping");
    return out;
  }
  PolicyReader reader(base_dir, error);
  for (const auto& e : node.entries()) {
    std::string f = fmt::format("registryAuth.{}", e.key);
    if (e.key == "dockerConfig") {
      out.docker_config = resolve_path(e.value.str(), base_dir);
    } else if (e.key == "pullSecrets") {
      for (auto& s : reader.strings(e.value, f)) out.pull_secrets.push_back(resolve_path(s, base_dir));
    } else if (e.key == "caFile") {
      out.ca_file = resolve_path(e.value.str(), base_dir);
    } else if (e.key == "timeoutSeconds") {
      auto n = e.value.as_int();
      if (!n || *n < 1 || *n > 300) error(e.value.mark(), fmt::format("{}: expected a number of seconds (1-300)", f));
      else out.timeout_seconds = static_cast<long>(*n);
    } else if (e.key == "platform") {
      if (!parse_platform(e.value.str())) error(e.value.mark(), fmt::format("{}: expected OS/ARCH[/VARIANT]", f));
      else out.platform = std::string(e.value.str());
    } else {
      error(e.key_mark, fmt::format("{}: unknown field (known: dockerConfig, pullSecrets, caFile, timeoutSeconds, "
                                    "platform)",
                                    f));
    }
  }
  return out;
}

}  // namespace kg::supply
