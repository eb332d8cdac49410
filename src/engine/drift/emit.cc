#include "engine/drift/emit.h"

#include "rules/context.h"

namespace kg::engine::drift {

void DriftEmitter::report(DriftRule rule, rules::Severity severity, std::string path, const doc::Node* at,
                          std::string message, const k8s::ContainerView* container) {
  const rules::RuleMeta& meta = rules::drift::meta(rule);
  if (!config_.rule_enabled(meta.id)) return;
  rules::Emitter emitter(meta, live_, out_);
  emitter.report(severity, std::move(path), at, std::move(message), container);
  apply_policy(out_.back(), meta, ignore_, config_);
}

}  // namespace kg::engine::drift
