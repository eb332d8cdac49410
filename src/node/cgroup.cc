#include "node/cgroup.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace kg::node {
namespace {

bool is_hex_id(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    size_t slash = path.find('/');
    if (slash != 0) out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// "cri-containerd-<id>.scope" -> containerd, id. Prefixes as the runtimes write them.
std::optional<std::pair<std::string, std::string>> container_segment(std::string_view seg) {
  struct Prefix {
    std::string_view text;
    std::string_view runtime;
  };
  static constexpr auto kPrefixes = std::to_array<Prefix>({
      {"cri-containerd-", "containerd"},
      {"crio-", "cri-o"},
      {"docker-", "docker"},
      {"containerd-", "containerd"},
  });
  if (seg.ends_with(".scope")) seg.remove_suffix(6);
  for (const auto& p : kPrefixes) {
    if (seg.starts_with(p.text) && is_hex_id(seg.substr(p.text.size()))) {
      return std::pair{std::string(p.runtime), std::string(seg.substr(p.text.size()))};
    }
  }
  if (is_hex_id(seg)) return std::pair{std::string(), std::string(seg)};
  return std::nullopt;
}

// "kubepods-burstable-pod1234_5678.slice" or "pod1234-5678" -> the UID with dashes.
std::string pod_uid_of(std::string_view seg) {
  if (seg.ends_with(".slice")) seg.remove_suffix(6);
  size_t at = seg.rfind("pod");
  if (at == std::string_view::npos) return {};
  std::string uid(seg.substr(at + 3));
  std::replace(uid.begin(), uid.end(), '_', '-');
  if (uid.size() != 36) return {};
  return uid;
}

std::string qos_of(std::string_view seg) {
  for (std::string_view q : {"burstable", "besteffort"}) {
    if (seg.find(q) != std::string_view::npos) return std::string(q);
  }
  return {};
}

std::optional<ContainerIdentity> from_path(std::string_view path) {
  auto segs = segments(path);
  for (size_t i = segs.size(); i-- > 0;) {
    auto container = container_segment(segs[i]);
    if (!container) continue;
    ContainerIdentity id;
    id.runtime = container->first;
    id.container_id = container->second;
    id.cgroup = std::string(path);
    bool kubepods = false;
    for (size_t j = 0; j < i; ++j) {
      if (segs[j].find("kubepods") != std::string_view::npos) kubepods = true;
      if (!kubepods) continue;
      // "kubepods-burstable.slice" (systemd) or "burstable" (cgroupfs).
      if (std::string q = qos_of(segs[j]); !q.empty()) id.qos = q;
      if (std::string uid = pod_uid_of(segs[j]); !uid.empty()) id.pod_uid = uid;
    }
    if (kubepods && id.qos.empty() && !id.pod_uid.empty()) id.qos = "guaranteed";
    // A bare ID outside kubepods is a plain Docker container (/docker/<id>).
    if (id.runtime.empty() && !kubepods) {
      if (i == 0 || segs[i - 1] != "docker") continue;
      id.runtime = "docker";
    }
    return id;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ContainerIdentity> container_of_cgroup(std::string_view proc_cgroup) {
  while (!proc_cgroup.empty()) {
    size_t nl = proc_cgroup.find('\n');
    std::string_view line = proc_cgroup.substr(0, nl);
    // "hierarchy-ID:controllers:path"
    size_t first = line.find(':');
    size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second != std::string_view::npos) {
      if (auto id = from_path(line.substr(second + 1))) return id;
    }
    if (nl == std::string_view::npos) break;
    proc_cgroup.remove_prefix(nl + 1);
  }
  return std::nullopt;
}

}  // namespace kg::node
