// One identity for a finding, the same whichever front made it (scan, cluster
// scan, admission, audit, the watch) and whatever file the object came from:
// the rule, the object (kind, namespace, name) and the field, with the pod
// template's place and the container's index taken out, so a Deployment's
// template and the pod made from it, or one object before and after its
// containers were reordered, name the same field alike.
#pragma once

#include <string>
#include <string_view>

#include "rules/finding.h"

namespace kg::rules {

// "spec.template.spec.containers[app].image" -> "spec.containers[app].image";
// the container's position is replaced by its name when the finding names one.
std::string field_of(const Finding& finding);

// rule|container|field: the same finding on another version of the object,
// or on the pod a controller made from its template (the watch, admission's
// UPDATE comparison).
std::string field_key(const Finding& finding);

// 16 hex digits over the rule, the object's kind, namespace and name, and
// field_key(): SARIF's partialFingerprints, the JSON reports, audit findings.
std::string fingerprint(const Finding& finding);

}  // namespace kg::rules
