// Turns a stream of object changes into the findings each change introduced,
// for `kubeguard cluster watch`. It keeps the last state of every object and
// the findings it had; a change reports
//   - the catalog's findings the new state has and the old one had not, and
//   - the drift between the old and the new state (a container added, an
//     image swapped, an ephemeral container, ...), through the same drift
//     rules as `kubeguard diff`.
// A pod its controller just made is compared with the controller's template:
// it reports what differs from the template (an injected container), not the
// template's own findings again for every replica.
// RBAC rules look at roles and bindings together (a binding is only as
// dangerous as the role it grants), so an RBAC change re-runs them over every
// role and binding known and reports the findings that were not there before
// (a binding to cluster-admin, a wildcard role, ...). What those rules
// cannot see, a change by hand to a built-in role or binding and the
// deletion of one, is KG-RBAC-019 (rbac_change.h).
// A controller's template rolled to a new version of the same image is a
// rollout, not drift: KG-DRIFT-002 reports another repository or digest there,
// and any image a pod runs that its own spec or its controller's template did
// not say.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "doc/document.h"
#include "engine/config.h"
#include "rules/catalog.h"
#include "rules/finding.h"

namespace kg::engine::watch {

enum class Change : uint8_t { Added, Modified, Deleted };

struct ObjectChange {
  Change change = Change::Added;
  std::string kind;
  std::string key;       // namespace/name or name
  doc::Node object;      // new state; empty for a deletion
  bool initial = false;  // the state the watch starts from: remembered, not reported
};

class ChangeMonitor {
 public:
  ChangeMonitor(const rules::Catalog& catalog, const Config& config, std::string origin)
      : catalog_(catalog), config_(config), origin_(std::move(origin)) {}

  // The findings this change introduced (unsuppressed ones only).
  std::vector<rules::Finding> apply(ObjectChange&& change);

  size_t objects() const { return known_.size(); }

 private:
  struct Known {
    doc::Document document;
    std::set<std::string> fingerprints;
  };

  std::vector<rules::Finding> evaluate(const doc::Document& document) const;
  // The RBAC rules' findings over every known role and binding.
  std::vector<rules::Finding> rbac_findings() const;
  const Known* owner_of(const doc::Node& object) const;

  const rules::Catalog& catalog_;
  const Config& config_;
  std::string origin_;
  std::map<std::string, Known, std::less<>> known_;         // kind/key -> state
  std::map<std::string, std::string, std::less<>> by_uid_;  // metadata.uid -> kind/key
  uint32_t next_index_ = 0;
  // Fingerprints of the RBAC findings before the latest RBAC change; computed
  // on the first change after the initial lists (not once per listed object).
  std::set<std::string> rbac_fingerprints_;
  bool rbac_baseline_ready_ = false;
};

}  // namespace kg::engine::watch
