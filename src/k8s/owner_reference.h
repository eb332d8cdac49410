// The controller of an object: the metadata.ownerReferences entry with
// controller: true (the one that creates, adopts and replaces the object).
#pragma once

#include "doc/node.h"

namespace kg::k8s {

// Null when no entry is marked controller.
const doc::Node* controller_reference(const doc::Node& object);

}  // namespace kg::k8s
