#include "k8s/owner_reference.h"

namespace kg::k8s {

const doc::Node* controller_reference(const doc::Node& object) {
  const doc::Node* refs = object.find({"metadata", "ownerReferences"});
  if (refs == nullptr || !refs->is_sequence()) return nullptr;
  for (const auto& ref : refs->items()) {
    const doc::Node* controller = ref.get("controller");
    if (controller != nullptr && controller->as_bool().value_or(false)) return &ref;
  }
  return nullptr;
}

}  // namespace kg::k8s
