// One evaluation session: what every front drives to judge objects.
//
//   engine::Session session(catalog, config);
//   session.add(object, findings);    // the object's own findings, policy applied
//   session.add(document, findings);  // every object of a document
//   session.finish(findings);         // the cross-object (inventory) findings
//
// Scan, cluster scan, the watch, admission, audit, pss and the RBAC command
// (its objects read from files or the API server, engine/rbac_source.h) all go
// through it, so the same object meets the same rules, suppression and
// severity overrides whichever front it came through. Rules are indexed by
// kind when the session starts: an object meets the pod-spec rules (when it
// carries a pod spec) and the object rules that list its kind, in catalog
// order, and no others.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "doc/document.h"
#include "engine/config.h"
#include "engine/stoppable.h"
#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "rules/catalog.h"
#include "rules/finding.h"
#include "rules/inventory.h"

namespace kg::engine {

// The enabled rules of a catalog, by what they read.
class RuleIndex {
 public:
  RuleIndex(const rules::Catalog& catalog, const Config& config);
  // No rules: a session over it only reads objects for a visitor (`kubeguard pss`).
  RuleIndex() = default;

  // The rules an object of `kind` meets, in catalog order: the object rules
  // that list the kind, and the pod-spec rules when it carries a pod spec.
  std::span<const rules::RuleEntry* const> for_object(std::string_view kind, bool has_pod_spec) const;
  std::span<const rules::RuleEntry* const> inventory_rules() const { return inventory_; }

 private:
  struct ForKind {
    std::vector<const rules::RuleEntry*> without_pod;  // the kind's object rules
    std::vector<const rules::RuleEntry*> with_pod;     // the same and the pod-spec rules, in catalog order
  };
  std::vector<const rules::RuleEntry*> pod_;  // pod-spec rules: for a kind no object rule lists
  std::map<std::string, ForKind, std::less<>> by_kind_;
  std::vector<const rules::RuleEntry*> inventory_;
};

// What one document held, besides its findings.
struct DocumentCounts {
  size_t objects = 0;
  size_t skipped_documents = 0;  // no apiVersion/kind
};

// Sees each object of a document with its pod spec (null when it has none)
// before its rules run: what a front that reads more than findings uses
// (the pss verdicts, notices about annotations).
using ObjectVisitor = std::function<void(const k8s::Object& object, const k8s::PodSpecView* pod)>;

class Session {
 public:
  enum class Facts : uint8_t {
    Auto,    // kept when an inventory rule is enabled (scan, cluster scan)
    Never,   // objects judged one at a time, nothing kept (admission, audit, the watch's pods)
    Always,  // kept whatever rules run: the facts are what the front reads (RBAC objects for kubeguard rbac)
  };

  // `catalog` and `config` must outlive the session.
  Session(const rules::Catalog& catalog, const Config& config, Facts facts = Facts::Auto);
  // Sessions of one run (a parallel scan's files) share one index, which must outlive them.
  Session(const RuleIndex& index, const Config& config, Facts facts = Facts::Auto);
  Session(const Session&) = delete;  // it may point at its own index
  Session& operator=(const Session&) = delete;

  // Judges one object: its findings, suppression and severity overrides
  // applied, are appended to `out`. Returns false when `stop` said to stop
  // before its last rule (what is found so far stays in `out`).
  bool add(const k8s::Object& object, std::vector<rules::Finding>& out, const StopCheck& stop = {},
           const ObjectVisitor& visit = {});
  // Every object of a document; extraction errors go to `errors`.
  DocumentCounts add(const doc::Document& document, std::vector<rules::Finding>& out,
                     std::vector<doc::LoadError>& errors, const ObjectVisitor& visit = {});

  // Facts gathered elsewhere (a parallel worker's session, RBAC objects read
  // from the API server) join this session's.
  void add_facts(rules::Inventory&& facts) { inventory_.merge(std::move(facts)); }
  void add_facts(Session&& other) { inventory_.merge(std::move(other.inventory_)); }
  bool keeps_facts() const { return keep_facts_; }
  const rules::Inventory& facts() const { return inventory_; }

  // The cross-object findings over everything added, one rule at a time:
  // each rule's findings go to `sink` before the next rule runs.
  void finish(const std::function<void(std::span<const rules::Finding>)>& sink) const;
  void finish(std::vector<rules::Finding>& out) const;

  const RuleIndex& index() const { return *index_; }
  // The facts gathered so far, taken out of the session.
  rules::Inventory take_facts() { return std::move(inventory_); }

 private:
  const Config& config_;
  std::optional<RuleIndex> own_index_;
  const RuleIndex* index_ = nullptr;
  bool keep_facts_ = false;
  rules::Inventory inventory_;
};

}  // namespace kg::engine
