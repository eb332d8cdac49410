#include "rbac/workload_needs.h"

#include "k8s/kinds.h"

namespace kg::rbac {

std::vector<Need> workload_needs(std::string_view verb, bool with_fixed_templates) {
  std::vector<Need> needs;
  for (const auto& kind : k8s::kinds()) {
    if (!kind.runs_pods() || (kind.template_fixed && !with_fixed_templates)) continue;
    needs.push_back(Need{verb, kind.group(), kind.resource});
  }
  return needs;
}

}  // namespace kg::rbac
