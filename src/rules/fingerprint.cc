#include "rules/fingerprint.h"

#include <cstdint>

#include <fmt/format.h>

namespace kg::rules {
namespace {

// "spec.template.spec.containers[1].image" and "spec.containers[1].image"
// name the same field of a controller's template and of its pod; the place
// of a List's item in its file ("items[3].") is not part of the object.
std::string_view below_pod_template(std::string_view path) {
  while (path.starts_with("items[")) {
    size_t close = path.find("].");
    if (close == std::string_view::npos) break;
    path.remove_prefix(close + 2);
  }
  constexpr std::string_view kTemplate = "template.spec";
  size_t at = path.rfind(kTemplate);
  if (at == std::string_view::npos || (at > 0 && path[at - 1] != '.')) return path;
  size_t end = at + kTemplate.size();
  if (end != path.size() && path[end] != '.') return path;
  return path.substr(at + std::string_view("template.").size());
}

std::string with_container_name(std::string_view path, std::string_view container) {
  if (container.empty()) return std::string(path);
  for (std::string_view list : {"ephemeralContainers[", "initContainers[", "containers["}) {
    size_t at = path.find(list);
    if (at == std::string_view::npos) continue;
    size_t open = at + list.size();
    size_t close = path.find(']', open);
    if (close == std::string_view::npos) break;
    return fmt::format("{}{}{}", path.substr(0, open), container, path.substr(close));
  }
  return std::string(path);
}

// FNV-1a: fixed, portable and dependency-free; the value is an identity, not a
// defence against anyone forging collisions.
struct Fnv1a64 {
  uint64_t state = 0xcbf29ce484222325ULL;
  void add(std::string_view s) {
    // Length-prefixed so ("ab", "c") and ("a", "bc") differ.
    uint64_t n = s.size();
    for (int i = 0; i < 8; ++i) byte(static_cast<unsigned char>(n >> (8 * i)));
    for (char c : s) byte(static_cast<unsigned char>(c));
  }
  void byte(unsigned char c) {
    state ^= c;
    state *= 0x100000001b3ULL;
  }
};

}  // namespace

std::string field_of(const Finding& finding) {
  return with_container_name(below_pod_template(finding.path), finding.container);
}

std::string field_key(const Finding& finding) {
  return fmt::format("{}|{}|{}", finding.rule_id, finding.container, field_of(finding));
}

std::string fingerprint(const Finding& finding) {
  Fnv1a64 h;
  h.add(finding.rule_id);
  h.add(finding.object.kind);
  h.add(finding.object.name_space);
  h.add(finding.object.name);
  h.add(finding.container);
  h.add(field_of(finding));
  return fmt::format("{:016x}", h.state);
}

}  // namespace kg::rules
