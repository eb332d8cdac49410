#include <fmt/format.h>

#include "pss/checks/checks.h"
#include "pss/pod_fields.h"

namespace kg::pss::checks {

using namespace detail;

CheckResult host_path_volumes_v1_0(const k8s::PodSpecView& pod) {
  const doc::Node* volumes = field(pod.spec, "volumes");
  if (volumes == nullptr || !volumes->is_sequence()) return std::nullopt;
  CheckFailure f;
  std::vector<std::string> names;
  size_t i = 0;
  for (const auto& v : volumes->items()) {
    if (const doc::Node* host_path = field(&v, "hostPath")) {
      names.emplace_back(text(v.get("name")));
      f.fields.push_back({fmt::format("{}.volumes[{}].hostPath", pod.path, i), host_path});
    }
    ++i;
  }
  if (names.empty()) return std::nullopt;
  f.reason = "hostPath volumes";
  f.detail = fmt::format("{} {}", pluralize("volume", "volumes", names.size()), join_quote(names));
  return f;
}

}  // namespace kg::pss::checks
