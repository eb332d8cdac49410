// The rule catalog: every rule, indexed by what it reads, built once.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "rules/context.h"
#include "rules/rule.h"

namespace kg::rules {

// Runs on every object that carries a pod spec (ctx.pod is never null).
using PodCheck = void (*)(const ObjectContext& ctx, Emitter& out);
// Runs on every object whose kind the rule's metadata lists.
using ObjectCheck = void (*)(const ObjectContext& ctx, Emitter& out);
// Runs once over facts gathered from the whole input.
using InventoryCheck = void (*)(const InventoryContext& ctx, InventoryEmitter& out);

// Paired rules compare two inputs (desired against live state, `kubeguard diff`):
// the scan never runs them; the catalog carries their metadata for the rules
// reference, SARIF and configuration. Audit rules read API server audit events
// (`kubeguard audit`, the audit webhook); the scan never runs them either.
enum class RuleScope : uint8_t { PodSpec, Object, Inventory, Paired, Audit };

struct RuleEntry {
  const RuleMeta* meta = nullptr;
  RuleScope scope = RuleScope::PodSpec;
  PodCheck pod = nullptr;
  ObjectCheck object = nullptr;
  InventoryCheck inventory = nullptr;
};

class Catalog {
 public:
  void add_pod_rule(const RuleMeta& meta, PodCheck check);
  void add_object_rule(const RuleMeta& meta, ObjectCheck check);
  void add_inventory_rule(const RuleMeta& meta, InventoryCheck check);
  void add_paired_rule(const RuleMeta& meta);
  void add_audit_rule(const RuleMeta& meta);

  std::span<const RuleEntry> rules() const { return rules_; }
  // By ID or slug; nullptr when unknown.
  const RuleEntry* find(std::string_view id_or_slug) const;
  // Rules that read objects of this kind (pod-spec rules excluded).
  std::vector<const RuleEntry*> object_rules_for(std::string_view kind) const;
  void sort_by_id();

 private:
  std::vector<RuleEntry> rules_;
};

// Every built-in rule, sorted by ID.
Catalog build_catalog();

// One function per family; each lives beside its rules.
void register_pod_rules(Catalog& catalog);
void register_sec_rules(Catalog& catalog);
void register_ns_rules(Catalog& catalog);
void register_net_rules(Catalog& catalog);
void register_pss_rules(Catalog& catalog);
void register_sc_rules(Catalog& catalog);
void register_img_rules(Catalog& catalog);
void register_wh_rules(Catalog& catalog);
void register_drift_rules(Catalog& catalog);
void register_aud_rules(Catalog& catalog);
void register_rbac_rules(Catalog& catalog);

}  // namespace kg::rules
