// What a rule sees (the object, its pod spec, the settings) and how it speaks
// (an Emitter that turns a field and a message into a Finding).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "k8s/sidecar_profile.h"
#include "k8s/webhook_approval.h"
#include "pss/policy.h"
#include "rbac/policy.h"
#include "rules/finding.h"
#include "rules/image_trust.h"
#include "rules/inventory.h"
#include "rules/rule.h"

namespace kg::rules {

// The part of the configuration that rules read.
struct Settings {
  std::vector<std::string> trusted_registries;          // empty: the trusted-registry rule reports nothing
  std::optional<pss::Policy> pss;                       // set: the KG-PSS rules run at this level and version
  std::vector<k8s::ApprovedWebhook> approved_webhooks;  // added to the built-in approvals
  std::vector<k8s::SidecarProfile> sidecar_profiles = k8s::builtin_sidecar_profiles();
  // Set by a front that verifies images (scan --verify-images, cluster scan,
  // serve): the KG-IMG signature rules ask it; null: they report nothing.
  const ImageTrust* image_trust = nullptr;
};

struct ObjectContext {
  const k8s::Object& object;
  const k8s::PodSpecView* pod;  // null for objects without a pod spec
  const Settings& settings;
};

struct InventoryContext {
  const rules::Inventory& inventory;
  const Settings& settings;
  // The model of inventory.rbac (issues left out), built once for every RBAC
  // rule; roles and bindings keep their indexes in inventory.rbac.
  const rbac::Policy& rbac_policy;
};

// Collects the findings of one rule on one object. With a limit, the findings
// past it are counted instead of kept, and finish() adds one finding that
// says how many more there were (at the highest severity among them), so a
// pod of 20,000 containers costs a few hundred findings, not 300,000, while
// every rule it breaks is still reported.
class Emitter {
 public:
  Emitter(const RuleMeta& meta, const k8s::Object& object, std::vector<Finding>& out,
          size_t limit = static_cast<size_t>(-1))
      : meta_(meta), object_(object), out_(out), limit_(limit) {}

  // `path` is the field's path inside the object; `at` the node whose position
  // the finding points at (falls back to the object's position when null).
  void report(std::string path, const doc::Node* at, std::string message,
              const k8s::ContainerView* container = nullptr) {
    report(meta_.severity, std::move(path), at, std::move(message), container);
  }
  // For a rule whose severity depends on the case; the catalog shows its usual one.
  void report(Severity severity, std::string path, const doc::Node* at, std::string message,
              const k8s::ContainerView* container = nullptr);

  // Adds the finding that counts those past the limit, if any.
  void finish();

 private:
  const RuleMeta& meta_;
  const k8s::Object& object_;
  std::vector<Finding>& out_;
  size_t limit_;
  size_t kept_ = 0;
  size_t dropped_ = 0;
  Severity dropped_severity_ = Severity::Info;
};

// Collects the findings of a rule that looks at the whole input.
class InventoryEmitter {
 public:
  InventoryEmitter(const RuleMeta& meta, std::vector<Finding>& out) : meta_(meta), out_(out) {}

  void report(const k8s::Origin& origin, std::string message);
  // For a rule whose severity depends on the case; the catalog shows its usual one.
  void report(Severity severity, const k8s::Origin& origin, std::string message) {
    report(origin, std::move(message));
    out_.back().severity = severity;
  }

  Severity severity() const { return meta_.severity; }

  // The origin of each finding reported, in order, so the engine can apply
  // that object's suppressions.
  const std::vector<const k8s::Origin*>& origins() const { return origins_; }

 private:
  const RuleMeta& meta_;
  std::vector<Finding>& out_;
  std::vector<const k8s::Origin*> origins_;
};

}  // namespace kg::rules
