#include "engine/drift/rbac_change.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/drift/canonical.h"
#include "engine/suppression.h"
#include "rules/context.h"
#include "rules/rbac/rbac_rules.h"
#include "rules/severity_case.h"

namespace kg::engine::drift {
namespace {

constexpr size_t kChangesShown = 4;

bool built_in(const k8s::Object& object) {
  return k8s::string_at(object.root->find({"metadata", "labels"}), "kubernetes.io/bootstrapping") == "rbac-defaults";
}

// What a person can change on a role or binding; bookkeeping (resourceVersion,
// managedFields, ...) left out.
FlatMap what_it_says(const k8s::Object& object) {
  FlatMap out;
  auto never_default = [](std::string_view, std::string_view) { return false; };
  const doc::Node* aggregation = object.root->get("aggregationRule");
  const bool aggregated = aggregation != nullptr && !aggregation->is_null();
  // An aggregated ClusterRole's rules are the aggregation controller's copy of
  // other roles (a CRD's aggregate-to-edit role changes `edit`).
  if (!aggregated) flatten(object.root->get("rules"), "rules", never_default, out);
  for (std::string_view field : {"aggregationRule", "roleRef", "subjects"}) {
    flatten(object.root->get(field), field, never_default, out);
  }
  const doc::Node* metadata = object.metadata();
  if (metadata != nullptr) {
    flatten(metadata->get("labels"), "metadata.labels", never_default, out);
    flatten(metadata->get("annotations"), "metadata.annotations", never_default, out);
  }
  return out;
}

void report(const k8s::Object& object, const IgnoreList& ignore, rules::CaseName severity_case, std::string message,
            const Config& config, std::vector<rules::Finding>& out) {
  const rules::GradedRule graded = rules::rbac_rules::rbac_change_graded();
  const rules::RuleMeta& meta = *graded.meta;
  if (!config.rule_enabled(meta.id)) return;
  rules::Emitter emitter(meta, object, out);
  emitter.report(graded.severity_of(severity_case), "metadata", object.metadata(), std::move(message));
  apply_policy(out.back(), meta, ignore, config);
}

std::string display(const k8s::Object& object) {
  return object.ref.name_space.empty()
             ? fmt::format("{} {}", object.ref.kind, object.ref.name)
             : fmt::format("{} {}/{}", object.ref.kind, object.ref.name_space, object.ref.name);
}

}  // namespace

void rbac_changed(const k8s::Object& before, const k8s::Object& after, const Config& config,
                  std::vector<rules::Finding>& out) {
  if (!built_in(before) && !built_in(after)) return;
  FlatMap was = what_it_says(before);
  FlatMap now = what_it_says(after);
  std::vector<FlatChange> changes = compare(was, now);  // points into both maps
  if (changes.empty()) return;
  std::vector<std::string> shown;
  for (size_t i = 0; i < changes.size() && i < kChangesShown; ++i) shown.push_back(describe(changes[i]));
  if (changes.size() > kChangesShown) shown.push_back(fmt::format("and {} more", changes.size() - kChangesShown));
  // Suppressions come from the state before: whoever changes the object
  // could write the annotation in the same change.
  report(after, ignore_list_of(before, nullptr), rules::CaseName(),
         fmt::format("built-in {} (kubernetes.io/bootstrapping=rbac-defaults) changed by hand: {}", display(after),
                     fmt::join(shown, "; ")),
         config, out);
}

void rbac_deleted(const k8s::Object& last, const Config& config, std::vector<rules::Finding>& out) {
  const bool builtin = built_in(last);
  report(last, ignore_list_of(last, nullptr), builtin ? rules::CaseName() : "not-built-in"_case,
         builtin ? fmt::format("built-in {} (kubernetes.io/bootstrapping=rbac-defaults) deleted: the API server "
                               "restores it only when it restarts",
                               display(last))
                 : fmt::format("{} deleted", display(last)),
         config, out);
}

}  // namespace kg::engine::drift
