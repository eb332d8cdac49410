#include "supply/manifest.h"

#include <fmt/format.h>

#include "supply/digest.h"
#include "supply/json.h"

namespace kg::supply {
namespace {

using util::Error;
using util::ErrorKind;
using util::Expected;

std::map<std::string, std::string, std::less<>> string_map(const doc::Node* node) {
  std::map<std::string, std::string, std::less<>> out;
  if (node == nullptr || !node->is_mapping()) return out;
  for (const auto& e : node->entries()) {
    if (e.value.is_scalar()) out.emplace(e.key, std::string(e.value.str()));
  }
  return out;
}

Expected<Descriptor> descriptor(const doc::Node& node, std::string_view field) {
  if (!node.is_mapping()) return Error{ErrorKind::Decode, fmt::format("{}: not an object", field)};
  Descriptor d;
  d.media_type = std::string(string_at(node, "mediaType"));
  d.digest = std::string(string_at(node, "digest"));
  d.artifact_type = std::string(string_at(node, "artifactType"));
  if (!parse_digest(d.digest))
    return Error{ErrorKind::Decode, fmt::format("{}.digest: '{}' is not a digest", field, d.digest)};
  if (const doc::Node* size = node.get("size")) d.size = size->as_int().value_or(-1);
  if (d.size < 0) return Error{ErrorKind::Decode, fmt::format("{}.size: not a size", field)};
  d.annotations = string_map(node.get("annotations"));
  if (const doc::Node* p = node.get("platform"); p != nullptr && p->is_mapping()) {
    d.platform = Platform{std::string(string_at(*p, "os")), std::string(string_at(*p, "architecture")),
                          std::string(string_at(*p, "variant"))};
  }
  return d;
}

}  // namespace

std::optional<Platform> parse_platform(std::string_view text) {
  Platform p;
  auto first = text.find('/');
  if (first == std::string_view::npos || first == 0) return std::nullopt;
  p.os = std::string(text.substr(0, first));
  std::string_view rest = text.substr(first + 1);
  auto second = rest.find('/');
  p.architecture = std::string(rest.substr(0, second));
  if (second != std::string_view::npos) p.variant = std::string(rest.substr(second + 1));
  if (p.architecture.empty() || (second != std::string_view::npos && p.variant.empty())) return std::nullopt;
  if (p.variant.find('/') != std::string::npos) return std::nullopt;
  return p;
}

Expected<Manifest> parse_manifest(std::string_view body, std::string_view media_type) {
  JsonValue v = parse_json(body, "manifest");
  if (!v.root) return Error{ErrorKind::Decode, fmt::format("manifest: {}", v.error)};
  const doc::Node& root = *v.root;
  if (!root.is_mapping()) return Error{ErrorKind::Decode, "manifest: not a JSON object"};
  Manifest m;
  m.media_type = std::string(string_at(root, "mediaType"));
  if (m.media_type.empty()) m.media_type = std::string(media_type);
  if (const doc::Node* version = root.get("schemaVersion"); version == nullptr || version->as_int() != 2) {
    return Error{ErrorKind::Decode, "manifest: schemaVersion is not 2 (Docker schema 1 is not supported)"};
  }
  m.annotations = string_map(root.get("annotations"));
  const doc::Node* manifests = root.get("manifests");
  m.is_index = m.media_type == kOciIndex || m.media_type == kDockerManifestList ||
               (m.media_type.empty() && manifests != nullptr);
  if (m.is_index) {
    if (manifests == nullptr || !manifests->is_sequence())
      return Error{ErrorKind::Decode, "index: manifests is not a list"};
    size_t i = 0;
    for (const auto& item : manifests->items()) {
      auto d = descriptor(item, fmt::format("manifests[{}]", i++));
      if (!d) return d.error();
      m.manifests.push_back(std::move(*d));
    }
    return m;
  }
  if (!m.media_type.empty() && m.media_type != kOciManifest && m.media_type != kDockerManifest) {
    return Error{ErrorKind::Decode, fmt::format("manifest: media type '{}' is not an image manifest", m.media_type)};
  }
  const doc::Node* config = root.get("config");
  if (config == nullptr) return Error{ErrorKind::Decode, "manifest: no config"};
  auto c = descriptor(*config, "config");
  if (!c) return c.error();
  m.config = std::move(*c);
  const doc::Node* layers = root.get("layers");
  if (layers == nullptr || !layers->is_sequence()) return Error{ErrorKind::Decode, "manifest: layers is not a list"};
  size_t i = 0;
  for (const auto& item : layers->items()) {
    auto d = descriptor(item, fmt::format("layers[{}]", i++));
    if (!d) return d.error();
    m.layers.push_back(std::move(*d));
  }
  return m;
}

const Descriptor* select_platform(const Manifest& index, const Platform& platform) {
  for (const auto& d : index.manifests) {
    if (!d.platform) continue;
    if (d.platform->os != platform.os || d.platform->architecture != platform.architecture) continue;
    if (!platform.variant.empty() && !d.platform->variant.empty() && d.platform->variant != platform.variant) continue;
    return &d;
  }
  return nullptr;
}

}  // namespace kg::supply
