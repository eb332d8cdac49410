#include "pss/evaluate.h"

#include <fmt/format.h>

#include "pss/registry.h"

namespace kg::pss {

Result evaluate(const k8s::PodSpecView& pod, Policy policy) {
  Result result;
  if (pod.spec == nullptr) return result;
  for (const auto& check : all_checks()) {
    const VersionedCheck* v = active_version(check, policy);
    if (v == nullptr) continue;
    if (auto failure = v->fn(pod)) {
      failure->check = check.id;
      result.failures.push_back(std::move(*failure));
    }
  }
  result.allowed = result.failures.empty();
  return result;
}

std::string describe(const Result& result) {
  std::string out;
  for (const auto& f : result.failures) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{}: {}", f.check, f.reason);
    if (!f.detail.empty()) out += fmt::format(" ({})", f.detail);
  }
  return out;
}

}  // namespace kg::pss
