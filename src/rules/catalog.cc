#include "rules/catalog.h"

#include <algorithm>

namespace kg::rules {

void Catalog::add_pod_rule(const RuleMeta& meta, PodCheck check) {
  rules_.push_back(RuleEntry{&meta, RuleScope::PodSpec, check, nullptr, nullptr});
}

void Catalog::add_object_rule(const RuleMeta& meta, ObjectCheck check) {
  rules_.push_back(RuleEntry{&meta, RuleScope::Object, nullptr, check, nullptr});
}

void Catalog::add_inventory_rule(const RuleMeta& meta, InventoryCheck check) {
  rules_.push_back(RuleEntry{&meta, RuleScope::Inventory, nullptr, nullptr, check});
}

void Catalog::add_paired_rule(const RuleMeta& meta) {
  rules_.push_back(RuleEntry{&meta, RuleScope::Paired, nullptr, nullptr, nullptr});
}

void Catalog::add_audit_rule(const RuleMeta& meta) {
  rules_.push_back(RuleEntry{&meta, RuleScope::Audit, nullptr, nullptr, nullptr});
}

const RuleEntry* Catalog::find(std::string_view id_or_slug) const {
  for (const auto& r : rules_) {
    if (r.meta->id == id_or_slug || r.meta->slug == id_or_slug) return &r;
  }
  return nullptr;
}

std::vector<const RuleEntry*> Catalog::object_rules_for(std::string_view kind) const {
  std::vector<const RuleEntry*> out;
  for (const auto& r : rules_) {
    if (r.scope != RuleScope::Object) continue;
    const auto& kinds = r.meta->kinds;
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) out.push_back(&r);
  }
  return out;
}

void Catalog::sort_by_id() {
  std::sort(rules_.begin(), rules_.end(),
            [](const RuleEntry& a, const RuleEntry& b) { return a.meta->id < b.meta->id; });
}

// The node families (src/rules/node, src/rules/rt).
void register_node_rules(Catalog& catalog);
void register_rt_rules(Catalog& catalog);

Catalog build_catalog() {
  Catalog catalog;
  register_pod_rules(catalog);
  register_sec_rules(catalog);
  register_ns_rules(catalog);
  register_net_rules(catalog);
  register_pss_rules(catalog);
  register_sc_rules(catalog);
  register_img_rules(catalog);
  register_wh_rules(catalog);
  register_drift_rules(catalog);
  register_aud_rules(catalog);
  register_rbac_rules(catalog);
  register_node_rules(catalog);
  register_rt_rules(catalog);
  catalog.sort_by_id();
  return catalog;
}

}  // namespace kg::rules
