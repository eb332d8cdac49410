#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

CheckResult host_namespaces_v1_0(const k8s::PodSpecView& pod) {
  CheckFailure f;
  std::vector<std::string> shared;
  // Already in the sorted order upstream's string set lists them.
  for (std::string_view key : {"hostIPC", "hostNetwork", "hostPID"}) {
    const doc::Node* value = pod.spec->get(key);
    if (is_true(value)) {
      shared.push_back(fmt::format("{}=true", key));
      f.fields.push_back({pod.field_path(key), value});
    }
  }
  if (shared.empty()) return std::nullopt;
  f.reason = "host namespaces";
  f.detail = join(shared, ", ");
  return f;
}

}  // namespace kg::pss::checks
