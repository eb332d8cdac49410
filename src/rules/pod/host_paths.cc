#include "rules/pod/host_paths.h"

#include <array>
#include <vector>

namespace kg::rules::pod {
namespace {

enum class Coverage : uint8_t {
  Exact,         // a socket file: only the file itself (and its ancestors)
  WithSubpaths,  // a runtime's run directory: everything inside drives the runtime
};

struct RuntimeEndpoint {
  std::string_view path;
  Coverage coverage;
};

// Sockets that accept "create a container" from whoever can write to them,
// and the directories that hold them or a runtime's container state. The
// image and container stores (/var/lib/docker, /var/lib/containerd,
// /var/lib/containers) are listed exactly: mounting them whole rewrites any
// container on the node, while log shippers routinely mount the read-only
// log subdirectory /var/lib/docker/containers, which KG-POD-010 reports.
constexpr std::array kEndpoints = {
    RuntimeEndpoint{"/var/run/docker.sock", Coverage::Exact},
    RuntimeEndpoint{"/run/docker.sock", Coverage::Exact},
    RuntimeEndpoint{"/var/run/cri-dockerd.sock", Coverage::Exact},
    RuntimeEndpoint{"/run/cri-dockerd.sock", Coverage::Exact},
    RuntimeEndpoint{"/var/run/dockershim.sock", Coverage::Exact},
    RuntimeEndpoint{"/run/docker", Coverage::WithSubpaths},
    RuntimeEndpoint{"/var/run/docker", Coverage::WithSubpaths},
    RuntimeEndpoint{"/run/containerd", Coverage::WithSubpaths},
    RuntimeEndpoint{"/var/run/containerd", Coverage::WithSubpaths},
    RuntimeEndpoint{"/run/k3s/containerd", Coverage::WithSubpaths},
    RuntimeEndpoint{"/run/crio", Coverage::WithSubpaths},
    RuntimeEndpoint{"/var/run/crio", Coverage::WithSubpaths},
    RuntimeEndpoint{"/run/podman", Coverage::WithSubpaths},
    RuntimeEndpoint{"/var/run/podman", Coverage::WithSubpaths},
    RuntimeEndpoint{"/var/lib/docker", Coverage::Exact},
    RuntimeEndpoint{"/var/lib/containerd", Coverage::Exact},
    RuntimeEndpoint{"/var/lib/containers", Coverage::Exact},
};

bool is_ancestor_or_same(std::string_view ancestor, std::string_view path) {
  if (ancestor == "/") return true;
  if (!path.starts_with(ancestor)) return false;
  return path.size() == ancestor.size() || path[ancestor.size()] == '/';
}

}  // namespace

std::string normalize_host_path(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (auto segment : segments) {
    out += '/';
    out += segment;
  }
  return out.empty() ? std::string("/") : out;
}

std::optional<std::string_view> exposed_runtime_endpoint(std::string_view normalized_path) {
  for (const auto& e : kEndpoints) {
    if (is_ancestor_or_same(normalized_path, e.path)) return e.path;
    if (e.coverage == Coverage::WithSubpaths && is_ancestor_or_same(e.path, normalized_path)) return e.path;
  }
  return std::nullopt;
}

}  // namespace kg::rules::pod
