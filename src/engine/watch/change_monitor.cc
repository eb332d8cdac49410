#include "engine/watch/change_monitor.h"

#include <array>

#include <fmt/format.h>

#include "engine/drift/drift.h"
#include "engine/scanner.h"
#include "k8s/object.h"
#include "k8s/owner_reference.h"

namespace kg::engine::watch {
namespace {

// "spec.template.spec.containers[1].image" and "spec.containers[1].image"
// name the same field of a controller's template and of its pod.
std::string_view below_pod_template(std::string_view path) {
  size_t at = path.rfind("template.spec.");
  return at == std::string_view::npos ? path : path.substr(at + std::string_view("template.").size());
}

std::string with_container_name(std::string_view path, std::string_view container) {
  if (container.empty()) return std::string(path);
  for (std::string_view list : {"ephemeralContainers[", "initContainers[", "containers["}) {
    size_t at = path.find(list);
    if (at == std::string_view::npos) continue;
    size_t open = at + list.size();
    size_t close = path.find(']', open);
    if (close == std::string_view::npos) break;
    return fmt::format("{}{}{}", path.substr(0, open), container, path.substr(close));
  }
  return std::string(path);
}

bool is_rbac_kind(std::string_view kind) {
  return kind == "Role" || kind == "ClusterRole" || kind == "RoleBinding" || kind == "ClusterRoleBinding";
}

std::string inventory_fingerprint(const rules::Finding& f) {
  return fmt::format("{}|{}|{}|{}|{}|{}", f.rule_id, f.object.kind, f.object.name_space, f.object.name, f.path,
                     f.message);
}

}  // namespace

std::string finding_fingerprint(const rules::Finding& finding) {
  return fmt::format("{}|{}|{}", finding.rule_id, finding.container,
                     with_container_name(below_pod_template(finding.path), finding.container));
}

std::vector<rules::Finding> ChangeMonitor::evaluate(const doc::Document& document) const {
  std::vector<rules::Finding> findings;
  k8s::Extraction extraction;
  k8s::extract_objects(document, extraction);
  for (const auto& object : extraction.objects) evaluate_object(object, catalog_, config_, findings, nullptr);
  std::erase_if(findings, [](const rules::Finding& f) { return f.suppressed; });
  return findings;
}

std::vector<rules::Finding> ChangeMonitor::rbac_findings() const {
  k8s::Inventory inventory;
  std::vector<rules::Finding> scratch;
  for (const auto& [id, known] : known_) {
    if (!is_rbac_kind(id.substr(0, id.find('/')))) continue;
    k8s::Extraction extraction;
    k8s::extract_objects(known.document, extraction);
    for (const auto& object : extraction.objects) evaluate_object(object, catalog_, config_, scratch, &inventory);
  }
  std::vector<rules::Finding> findings;
  evaluate_inventory(inventory, catalog_, config_, findings);
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
    if (previous != known_.end()) {
      std::erase_if(by_uid_, [&](const auto& entry) { return entry.second == id; });
      known_.erase(previous);
    }
    if (rbac && !change.initial) rbac_changes();  // a removal introduces nothing, but moves the baseline
    return {};
  }

  std::string uid(k8s::string_at(change.object.get("metadata"), "uid"));
  doc::Document document{origin_, next_index_++, std::move(change.object)};
  std::vector<rules::Finding> findings = evaluate(document);
  std::set<std::string> fingerprints;
  for (const auto& f : findings) fingerprints.insert(finding_fingerprint(f));

  std::vector<rules::Finding> introduced;
  if (!change.initial) {
    // What was there before: the object's last state, or, for an object its
    // controller just made, the controller's template.
    const Known* before = previous != known_.end() ? &previous->second : nullptr;
    const Known* owner = before == nullptr ? owner_of(document.root) : nullptr;
    const std::set<std::string>* had = before != nullptr  ? &before->fingerprints
                                       : owner != nullptr ? &owner->fingerprints
                                                          : nullptr;
    for (auto& f : findings) {
      if (had == nullptr || !had->contains(finding_fingerprint(f))) introduced.push_back(f);
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
        if (!f.suppressed && f.object.name == k8s::string_at(document.root.get("metadata"), "name")) {
          introduced.push_back(std::move(f));
        }
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
