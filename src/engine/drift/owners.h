// Which pod template a live object should match: its own manifest, else its
// owner's template through metadata.ownerReferences (Pod -> ReplicaSet ->
// Deployment, Pod -> StatefulSet/DaemonSet/Job, Job -> CronJob), preferring
// the live owner (what the controller really created the object from).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/drift/object_key.h"
#include "k8s/object.h"

namespace kg::engine::drift {

class ObjectIndex {
 public:
  // A later object with the same key replaces an earlier one, as with kubectl apply.
  void add(const ObjectKey& key, const k8s::Object& object) { by_key_[key] = &object; }
  const k8s::Object* find(const ObjectKey& key) const;
  bool empty() const { return by_key_.empty(); }

 private:
  std::map<ObjectKey, const k8s::Object*> by_key_;
};

struct TemplateSource {
  const k8s::Object* object = nullptr;  // whose pod template the live object should match
  bool live = false;                    // found among the live objects
  ObjectKey key;                        // of `object`, or of the owner that was looked for
  std::string not_compared;             // why there is no template although there is an owner
};

// For a live object that its key does not match in the baseline. No owner at
// all: an empty source with an empty reason.
TemplateSource template_source(const k8s::Object& object, const ObjectKey& key, const ObjectIndex& live,
                               const ObjectIndex& baseline);

// The baseline object that declares this live object or, up its owner chain,
// one of its owners; null when none does. Its annotations decide suppression.
const k8s::Object* baseline_anchor(const k8s::Object& object, const ObjectKey& key, const ObjectIndex& live,
                                   const ObjectIndex& baseline);

}  // namespace kg::engine::drift
