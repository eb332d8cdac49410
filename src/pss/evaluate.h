// Evaluating a pod against a Pod Security Standards policy, as the
// pod-security-admission controller would at that level and version.
#pragma once

#include <string>
#include <vector>

#include "k8s/pod_spec.h"
#include "pss/check.h"
#include "pss/policy.h"

namespace kg::pss {

struct Result {
  bool allowed = true;
  std::vector<CheckFailure> failures;  // in the registry's order; empty when allowed
};

// Privileged allows everything. The failures' Fields point into `pod`.
Result evaluate(const k8s::PodSpecView& pod, Policy policy);

// "check: reason (detail); check2: reason2", the wording of a denial.
std::string describe(const Result& result);

}  // namespace kg::pss
