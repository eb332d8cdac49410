#include "engine/drift/emit.h"

#include "rules/context.h"

namespace kg::engine::drift {

void DriftEmitter::report(DriftRule rule, rules::CaseName severity_case, std::string path, const doc::Node* at,
                          std::string message, const k8s::ContainerView* container) {
  const rules::GradedRule graded = rules::drift::graded(rule);
  const rules::RuleMeta& meta = *graded.meta;
  if (!config_.rule_enabled(meta.id)) return;
  rules::Emitter emitter(meta, live_, out_);
  emitter.report(graded.severity_of(severity_case), std::move(path), at, std::move(message), container);
  apply_policy(out_.back(), meta, ignore_, config_);
}

}  // namespace kg::engine::drift
