#include <set>

#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

// A probe or hook with a host sends the kubelet's request to another machine:
// a pod could make the node probe anything it can reach.
CheckResult host_probes_and_host_lifecycle_v1_34(const k8s::PodSpecView& pod) {
  CheckFailure f;
  std::set<std::string> containers;  // upstream collects both in sets, so both come out sorted
  std::set<std::string> hosts;
  for (const auto& c : pod.containers) {
    auto inspect = [&](const doc::Node* handler, const std::string& where) {
      for (std::string_view action : {"httpGet", "tcpSocket"}) {
        const doc::Node* host = field(field(handler, action), "host");
        if (!text(host).empty()) {
          containers.emplace(c.name);
          hosts.emplace(text(host));
          f.fields.push_back({fmt::format("{}.{}.{}.host", c.path, where, action), host, &c});
        }
      }
    };
    for (std::string_view probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
      inspect(field(c.node, probe), std::string(probe));
    }
    const doc::Node* lifecycle = field(c.node, "lifecycle");
    for (std::string_view hook : {"postStart", "preStop"}) {
      inspect(field(lifecycle, hook), fmt::format("lifecycle.{}", hook));
    }
  }
  if (containers.empty()) return std::nullopt;
  std::vector<std::string> container_list(containers.begin(), containers.end());
  std::vector<std::string> host_list(hosts.begin(), hosts.end());
  f.reason = "probe or lifecycle host";
  f.detail = fmt::format("{} {} {} {} {}", pluralize("container", "containers", container_list.size()),
                         join_quote(container_list), pluralize("uses", "use", container_list.size()),
                         pluralize("probe or lifecycle host", "probe or lifecycle hosts", host_list.size()),
                         join_quote(host_list));
  return f;
}

}  // namespace kg::pss::checks
