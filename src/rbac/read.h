// Reads RBAC objects, service accounts and pod accounts out of Kubernetes
// objects (files or the API server) into the value model of objects.h.
#pragma once

#include "k8s/object.h"
#include "k8s/origin.h"
#include "k8s/pod_spec.h"
#include "rbac/objects.h"

namespace kg::rbac {

// Adds what `object` contributes; fields that cannot be read become issues
// and the rest of the object is kept. `pod` is the object's pod spec, if any.
void read_object(const k8s::Object& object, const k8s::PodSpecView* pod, const k8s::Origin& origin, Objects& out);

}  // namespace kg::rbac
