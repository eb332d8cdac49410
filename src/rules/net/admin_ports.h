// Ports whose services administer a machine or a cluster: a shell, a remote
// desktop, a container runtime or a control-plane API. Shared by the rules
// on container ports and on Services.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kg::rules::net {

struct AdminPort {
  uint32_t port;
  std::string_view service;  // "SSH"
  // Also looked for in containers: a container declaring 10250 is some
  // application's choice (metrics-server listens there), not the kubelet.
  bool in_containers;
};

// The administrative service usually behind a TCP port, if any.
std::optional<AdminPort> admin_port(int64_t port);

}  // namespace kg::rules::net
