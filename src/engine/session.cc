#include "engine/session.h"

#include <algorithm>

#include "engine/suppression.h"

namespace kg::engine {
namespace {

// The pod-spec rules and one kind's object rules, in catalog order.
std::vector<const rules::RuleEntry*> merged(const std::vector<const rules::RuleEntry*>& a,
                                            const std::vector<const rules::RuleEntry*>& b) {
  std::vector<const rules::RuleEntry*> out;
  out.reserve(a.size() + b.size());
  // Entries point into one catalog vector: their addresses are its order.
  std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

RuleIndex::RuleIndex(const rules::Catalog& catalog, const Config& config) {
  std::map<std::string, std::vector<const rules::RuleEntry*>, std::less<>> object_rules;
  for (const auto& rule : catalog.rules()) {
    if (!config.rule_enabled(rule.meta->id)) continue;
    switch (rule.scope) {
      case rules::RuleScope::PodSpec: pod_.push_back(&rule); break;
      case rules::RuleScope::Object:
        for (std::string_view kind : rule.meta->kinds) {
          auto& list = object_rules[std::string(kind)];
          if (list.empty() || list.back() != &rule) list.push_back(&rule);
        }
        break;
      case rules::RuleScope::Inventory: inventory_.push_back(&rule); break;
      case rules::RuleScope::Paired:
      case rules::RuleScope::Audit: break;  // run by diff and by the audit detector, on their own inputs
    }
  }
  for (auto& [kind, list] : object_rules) {
    ForKind entry;
    entry.with_pod = merged(pod_, list);
    entry.without_pod = std::move(list);
    by_kind_.emplace(kind, std::move(entry));
  }
}

std::span<const rules::RuleEntry* const> RuleIndex::for_object(std::string_view kind, bool has_pod_spec) const {
  auto found = by_kind_.find(kind);
  if (found == by_kind_.end()) {
    if (has_pod_spec) return pod_;
    return {};
  }
  return has_pod_spec ? found->second.with_pod : found->second.without_pod;
}

// Findings listed per rule and object; the rest are counted in one more
// finding. Far above what a real workload raises (one per container, port or
// env entry), and what keeps a hostile object of thousands of containers from
// costing hundreds of megabytes of findings in every front.
constexpr size_t kListedPerRuleAndObject = 100;

Session::Session(const rules::Catalog& catalog, const Config& config, Facts facts)
    : config_(config), own_index_(std::in_place, catalog, config), index_(&*own_index_) {
  keep_facts_ = facts == Facts::Always || (facts == Facts::Auto && !index_->inventory_rules().empty());
}

Session::Session(const RuleIndex& index, const Config& config, Facts facts) : config_(config), index_(&index) {
  keep_facts_ = facts == Facts::Always || (facts == Facts::Auto && !index_->inventory_rules().empty());
}

bool Session::add(const k8s::Object& object, std::vector<rules::Finding>& out, const StopCheck& stop,
                  const ObjectVisitor& visit) {
  std::optional<k8s::PodSpecView> pod = k8s::pod_spec_of(object, config_.settings.sidecar_profiles);
  const k8s::PodSpecView* pod_ptr = pod ? &*pod : nullptr;
  if (visit) visit(object, pod_ptr);
  IgnoreList ignore = ignore_list_of(object, pod_ptr);
  rules::ObjectContext ctx{object, pod_ptr, config_.settings};
  for (const rules::RuleEntry* rule : index_->for_object(object.ref.kind, pod_ptr != nullptr)) {
    if (stop && stop()) return false;
    rules::Emitter emitter(*rule->meta, object, out, kListedPerRuleAndObject);
    size_t first = out.size();
    if (rule->scope == rules::RuleScope::PodSpec) rule->pod(ctx, emitter);
    else rule->object(ctx, emitter);
    emitter.finish();
    for (size_t i = first; i < out.size(); ++i) apply_policy(out[i], *rule->meta, ignore, config_);
  }
  if (keep_facts_) {
    k8s::Origin origin;
    origin.ref = object.ref;
    origin.file = std::string(object.file);
    origin.mark = object.root->mark();
    origin.path = object.path_prefix + "metadata";
    origin.ignored_rules = std::move(ignore.rules);
    origin.ignore_reason = std::move(ignore.reason);
    rules::collect_facts(object, pod_ptr, std::move(origin), inventory_);
  }
  return true;
}

DocumentCounts Session::add(const doc::Document& document, std::vector<rules::Finding>& out,
                            std::vector<doc::LoadError>& errors, const ObjectVisitor& visit) {
  DocumentCounts counts;
  k8s::Extraction extraction;
  k8s::extract_objects(document, extraction);
  counts.skipped_documents = extraction.skipped_documents;
  for (auto& error : extraction.errors) errors.push_back(std::move(error));
  for (const auto& object : extraction.objects) {
    ++counts.objects;
    add(object, out, {}, visit);
  }
  return counts;
}

void Session::finish(const std::function<void(std::span<const rules::Finding>)>& sink) const {
  if (index_->inventory_rules().empty()) return;
  rbac::Objects rbac_objects = inventory_.rbac;
  rbac_objects.issues.clear();
  rbac::Policy rbac_policy = rbac::Policy::build(std::move(rbac_objects), "default");
  rules::InventoryContext ctx{inventory_, config_.settings, rbac_policy};
  std::vector<rules::Finding> findings;
  for (const rules::RuleEntry* rule : index_->inventory_rules()) {
    // One rule's findings at a time: they go to the sink before the next rule runs.
    findings.clear();
    rules::InventoryEmitter emitter(*rule->meta, findings);
    rule->inventory(ctx, emitter);
    for (size_t i = 0; i < findings.size(); ++i) {
      const k8s::Origin& origin = *emitter.origins()[i];
      IgnoreList ignore{origin.ignored_rules, origin.ignore_reason};
      apply_policy(findings[i], *rule->meta, ignore, config_);
    }
    if (!findings.empty()) sink(findings);
  }
}

void Session::finish(std::vector<rules::Finding>& out) const {
  finish([&](std::span<const rules::Finding> batch) { out.insert(out.end(), batch.begin(), batch.end()); });
}

}  // namespace kg::engine
