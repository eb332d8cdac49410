#include "rules/net/admin_ports.h"

namespace kg::rules::net {

std::optional<AdminPort> admin_port(int64_t port) {
  static constexpr AdminPort kPorts[] = {
      {22, "SSH", true},
      {23, "Telnet", true},
      {2375, "Docker API (plain)", true},
      {2376, "Docker API", true},
      {2379, "etcd client API", false},
      {2380, "etcd peer API", false},
      {3389, "RDP (remote desktop)", true},
      {5900, "VNC", true},
      {5985, "WinRM", true},
      {5986, "WinRM over TLS", true},
      {10250, "kubelet API", false},
      {10255, "kubelet read-only API", false},
  };
  for (const auto& p : kPorts) {
    if (p.port == port) return p;
  }
  return std::nullopt;
}

}  // namespace kg::rules::net
