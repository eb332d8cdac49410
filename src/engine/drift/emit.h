// How a difference becomes a finding: on the live object, at the live field,
// under the same policy (disabled rules, severity overrides, suppressions) as
// a scan.
#pragma once

#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/suppression.h"
#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "rules/drift/drift_rules.h"
#include "rules/finding.h"
#include "rules/severity_case.h"

namespace kg::engine::drift {

using rules::drift::DriftRule;

class DriftEmitter {
 public:
  // `ignore` comes from the baseline side: annotations on the live object are
  // what an intruder writes, so they cannot silence drift.
  DriftEmitter(const k8s::Object& live, IgnoreList ignore, const Config& config, std::vector<rules::Finding>& out)
      : live_(live), ignore_(std::move(ignore)), config_(config), out_(out) {}

  // `path` is relative to the live object; `at` the live node the finding points
  // at (the object itself when null). The severity is the one the rule's
  // metadata gives `severity_case` ("" for the rule's own).
  void report(DriftRule rule, rules::CaseName severity_case, std::string path, const doc::Node* at, std::string message,
              const k8s::ContainerView* container = nullptr);

  const k8s::Object& live() const { return live_; }

 private:
  const k8s::Object& live_;
  IgnoreList ignore_;
  const Config& config_;
  std::vector<rules::Finding>& out_;
};

}  // namespace kg::engine::drift
