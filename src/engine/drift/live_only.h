// KG-DRIFT-008: live objects that no manifest declares, minus what the API
// server and controllers create on their own.
#pragma once

#include <string>

#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "rules/severity_case.h"

namespace kg::engine::drift {

// Events, endpoints, leases, controller revisions, bootstrap RBAC, built-in
// namespaces, kube-root-ca.crt, the default service account, API priority and
// fairness defaults, aggregated APIs registered at start-up...
bool is_generated(const k8s::Object& object);

// KG-DRIFT-008's severity case: "webhook-or-binding" for the two kinds an
// intruder uses to persist cluster-wide (a mutating webhook configuration, a
// cluster role binding); the rule's own otherwise.
rules::CaseName only_in_live_severity(std::string_view kind);

// What the object is, in one line, e.g. the role a binding grants or the
// images a workload runs.
std::string only_in_live_message(const k8s::Object& object, const k8s::PodSpecView* pod);

}  // namespace kg::engine::drift
