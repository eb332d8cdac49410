#include "engine/watch/change_monitor.h"

#include <algorithm>
#include <array>
#include <optional>

#include <fmt/format.h>

#include "engine/drift/drift.h"
#include "engine/drift/pod_diff.h"
#include "engine/drift/rbac_change.h"
#include "engine/scanner.h"
#include "engine/session.h"
#include "k8s/object.h"
#include "k8s/owner_reference.h"
#include "k8s/pod_spec.h"
#include "rules/drift/drift_rules.h"
#include "rules/fingerprint.h"
#include "rules/sc/sc_rules.h"
#include "rules/severity_case.h"

namespace kg::engine::watch {
namespace {

bool is_rbac_kind(std::string_view kind) {
  return kind == "Role" || kind == "ClusterRole" || kind == "RoleBinding" || kind == "ClusterRoleBinding";
}

// An RBAC rule reports each grant of one binding on the binding's metadata:
// the message tells the grants apart.
std::string inventory_fingerprint(const rules::Finding& f) {
  return fmt::format("{}|{}", rules::fingerprint(f), f.message);
}

// The object of a document the watch keeps (one object each).
std::optional<k8s::Object> object_of(const doc::Document& document) {
  k8s::Extraction extraction;
  k8s::extract_objects(document, extraction);
  if (extraction.objects.size() != 1) return std::nullopt;
  return std::move(extraction.objects.front());
}

// An image change in a controller's template (not a pod's own spec) to a new
// version of the same image: a rollout through the owner's template, which
// admission lets through too. A pod's image changed in place, or a pod unlike
// its controller's template, stays drift.
bool is_template_rollout(const rules::Finding& f, const doc::Document& before, const doc::Document& after,
                         const Config& config) {
  if (f.rule_id != rules::drift::meta(rules::drift::DriftRule::ImageChanged).id) return false;
  std::optional<k8s::Object> old_object = object_of(before);
  std::optional<k8s::Object> new_object = object_of(after);
  if (!old_object || !new_object || new_object->ref.kind == "Pod") return false;
  const auto& profiles = config.settings.sidecar_profiles;
  std::optional<k8s::PodSpecView> old_pod = k8s::pod_spec_of(*old_object, profiles);
  std::optional<k8s::PodSpecView> new_pod = k8s::pod_spec_of(*new_object, profiles);
  if (!old_pod || !new_pod) return false;
  auto now = std::find_if(new_pod->containers.begin(), new_pod->containers.end(),
                          [&](const k8s::ContainerView& c) { return c.path + ".image" == f.path; });
  if (now == new_pod->containers.end()) return false;
  auto was = std::find_if(old_pod->containers.begin(), old_pod->containers.end(),
                          [&](const k8s::ContainerView& c) { return c.name == now->name && c.kind == now->kind; });
  return was != old_pod->containers.end() && drift::is_new_version(was->image, now->image);
}

}  // namespace

std::vector<rules::Finding> ChangeMonitor::evaluate(const doc::Document& document) const {
  std::vector<rules::Finding> findings;
  std::vector<doc::LoadError> errors;  // the API server sent the object: it has a kind and a name
  Session session(catalog_, config_, Session::Facts::Never);
  session.add(document, findings, errors);
  std::erase_if(findings, [](const rules::Finding& f) { return f.suppressed; });
  return findings;
}

std::vector<rules::Finding> ChangeMonitor::rbac_findings() const {
  Session session(catalog_, config_);
  std::vector<rules::Finding> scratch;
  std::vector<doc::LoadError> errors;
  for (const auto& [id, known] : known_) {
    if (!is_rbac_kind(id.substr(0, id.find('/')))) continue;
    session.add(known.document, scratch, errors);
  }
  std::vector<rules::Finding> findings;
  session.finish(findings);
  std::erase_if(findings, [](const rules::Finding& f) { return f.suppressed || !f.rule_id.starts_with("KG-RBAC-"); });
  return findings;
}

const ChangeMonitor::Known* ChangeMonitor::owner_of(const doc::Node& object) const {
  const doc::Node* ref = k8s::controller_reference(object);
  if (ref == nullptr) return nullptr;
  auto key = by_uid_.find(k8s::string_at(ref, "uid"));
  if (key == by_uid_.end()) return nullptr;
  auto known = known_.find(key->second);
  return known == known_.end() ? nullptr : &known->second;
}

std::vector<rules::Finding> ChangeMonitor::apply(ObjectChange&& change) {
  std::string id = fmt::format("{}/{}", change.kind, change.key);
  bool rbac = is_rbac_kind(change.kind);
  if (rbac && change.initial) rbac_baseline_ready_ = false;
  if (rbac && !change.initial && !rbac_baseline_ready_) {
    rbac_fingerprints_.clear();
    for (const auto& f : rbac_findings()) rbac_fingerprints_.insert(inventory_fingerprint(f));
    rbac_baseline_ready_ = true;
  }
  auto rbac_changes = [&]() {
    std::vector<rules::Finding> introduced;
    std::set<std::string> now;
    for (auto& f : rbac_findings()) {
      std::string print = inventory_fingerprint(f);
      if (!rbac_fingerprints_.contains(print)) introduced.push_back(std::move(f));
      now.insert(std::move(print));
    }
    rbac_fingerprints_ = std::move(now);
    return introduced;
  };
  auto previous = known_.find(id);
  if (change.change == Change::Deleted) {
    std::vector<rules::Finding> removed;
    if (previous != known_.end()) {
      // A removal grants nothing new, but taking away a role or binding (a
      // built-in one above all) is a change of its own (KG-RBAC-019).
      std::optional<k8s::Object> last = rbac && !change.initial ? object_of(previous->second.document) : std::nullopt;
      if (last) drift::rbac_deleted(*last, config_, removed);
      std::erase_if(removed, [](const rules::Finding& f) { return f.suppressed; });
      std::erase_if(by_uid_, [&](const auto& entry) { return entry.second == id; });
      known_.erase(previous);
    }
    if (rbac && !change.initial) rbac_changes();  // moves the baseline
    return removed;
  }

  std::string uid(k8s::string_at(change.object.get("metadata"), "uid"));
  doc::Document document{origin_, next_index_++, std::move(change.object)};
  std::vector<rules::Finding> findings = evaluate(document);
  std::set<std::string> fingerprints;
  for (const auto& f : findings) fingerprints.insert(rules::field_key(f));

  std::vector<rules::Finding> introduced;
  if (!change.initial) {
    // What was there before: the object's last state, or, for an object its
    // controller just made, the controller's template.
    const Known* before = previous != known_.end() ? &previous->second : nullptr;
    const Known* owner = before == nullptr ? owner_of(document.root) : nullptr;
    const std::set<std::string>* had = before != nullptr  ? &before->fingerprints
                                       : owner != nullptr ? &owner->fingerprints
                                                          : nullptr;
    const rules::GradedRule unapproved = rules::sc::unapproved_sidecar_graded();
    for (auto& f : findings) {
      if (had != nullptr && had->contains(rules::field_key(f))) continue;
      introduced.push_back(f);
      // An extra container this change added to a live object is what an
      // injection looks like, unlike one its owner wrote: KG-SC-001 is a
      // low inventory note in a manifest and strong here (unless the
      // configuration set its severity itself).
      if (had != nullptr && f.rule_id == unapproved.meta->id && !config_.severity_overrides.contains(f.rule_id)) {
        introduced.back().severity = unapproved.severity_of("added-to-live-object"_case);
        introduced.back().message += before != nullptr ? "; added to the live object by this change"
                                                       : "; not in the template of the controller that made the pod";
      }
    }
    if (rbac && before != nullptr) {
      std::optional<k8s::Object> was = object_of(before->document);
      std::optional<k8s::Object> now = object_of(document);
      std::vector<rules::Finding> changed;
      if (was && now) drift::rbac_changed(*was, *now, config_, changed);
      for (auto& f : changed) {
        if (!f.suppressed) introduced.push_back(std::move(f));
      }
    }
    const doc::Document* baseline = before != nullptr  ? &before->document
                                    : owner != nullptr ? &owner->document
                                                       : nullptr;
    if (baseline != nullptr) {
      std::vector<doc::Document> base{*baseline};
      std::vector<doc::Document> live;
      if (before == nullptr)
        live.push_back(*baseline);  // the owner, so the pod finds its template among the live objects
      live.push_back(document);
      ScanResult drift = diff_documents(base, live, "default", config_);
      for (auto& f : drift.findings) {
        if (f.suppressed || f.object.name != k8s::string_at(document.root.get("metadata"), "name")) continue;
        if (before != nullptr && is_template_rollout(f, before->document, document, config_)) continue;
        // A controller its owner made (a ReplicaSet by its Deployment, a Job
        // by its CronJob) can reach the watch before the owner's own change
        // does (one stream per resource): a new version of the same image
        // there is the owner's rollout seen out of order. Pods stay strict.
        if (owner != nullptr && is_template_rollout(f, owner->document, document, config_)) continue;
        introduced.push_back(std::move(f));
      }
    }
  }
  if (!uid.empty()) by_uid_[uid] = id;
  known_[id] = Known{std::move(document), std::move(fingerprints)};
  if (rbac && !change.initial) {
    for (auto& f : rbac_changes()) introduced.push_back(std::move(f));
  }
  return introduced;
}

}  // namespace kg::engine::watch
