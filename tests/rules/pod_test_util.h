// Small builders for the POD rule tests: a Pod manifest around a spec body.
#pragma once

#include <string>
#include <string_view>

namespace kg::testing {

// A Pod named "p" whose spec is `spec_body` (already indented by two spaces).
inline std::string pod_yaml(std::string_view spec_body, std::string_view metadata_extra = "") {
  std::string out = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ns\n";
  out += metadata_extra;
  out += "spec:\n";
  out += spec_body;
  return out;
}

}  // namespace kg::testing
