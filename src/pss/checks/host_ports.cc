#include <set>

#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

CheckResult host_ports_v1_0(const k8s::PodSpecView& pod) {
  CheckFailure f;
  std::vector<std::string> containers;
  std::set<std::string> ports;  // upstream keeps them as strings, so "10" sorts before "9"
  for (const auto& c : pod.containers) {
    const doc::Node* list = field(c.node, "ports");
    if (list == nullptr || !list->is_sequence()) continue;
    bool bad = false;
    size_t i = 0;
    for (const auto& port : list->items()) {
      const doc::Node* host_port = port.get("hostPort");
      int64_t value = host_port == nullptr ? 0 : host_port->as_int().value_or(0);
      if (value != 0) {
        bad = true;
        ports.insert(std::to_string(value));
        f.fields.push_back({fmt::format("{}.ports[{}].hostPort", c.path, i), host_port, &c});
      }
      ++i;
    }
    if (bad) containers.emplace_back(c.name);
  }
  if (containers.empty()) return std::nullopt;
  std::vector<std::string> port_list(ports.begin(), ports.end());
  f.reason = "hostPort";
  f.detail = fmt::format("{} {} {} {} {}", pluralize("container", "containers", containers.size()),
                         join_quote(containers), pluralize("uses", "use", containers.size()),
                         pluralize("hostPort", "hostPorts", port_list.size()), join(port_list, ", "));
  return f;
}

}  // namespace kg::pss::checks
