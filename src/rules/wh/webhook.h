// A read-only view of the webhooks of a Mutating/ValidatingWebhookConfiguration,
// with the questions several WH rules ask of them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "doc/node.h"
#include "k8s/object.h"
#include "k8s/webhook_approval.h"

namespace kg::rules::wh {

struct Webhook {
  const doc::Node* node = nullptr;  // the entry of webhooks[]
  std::string path;                 // "webhooks[2]"
  std::string_view name;
  bool mutating = false;
  bool v1beta1 = false;  // defaults differ: failurePolicy Ignore and timeoutSeconds 30 instead of Fail and 10
  const doc::Node* client_config = nullptr;
  k8s::WebhookTarget target;

  std::string field(std::string_view sub) const { return path + "." + std::string(sub); }
};

// Empty for objects that are not admissionregistration.k8s.io webhook configurations.
std::vector<Webhook> webhooks_of(const k8s::Object& object);

// Its rules send pods (or pods/ephemeralcontainers, or a workload kind that
// stamps pods: Deployment, DaemonSet, StatefulSet, ReplicaSet,
// ReplicationController, Job, CronJob) on CREATE or UPDATE, wildcards included.
bool matches_workloads(const Webhook& webhook);

// A selector restricts only when it requires something an object must opt
// into: a matchLabels entry, or an In/Exists expression. NotIn/DoesNotExist
// alone still match every object without the label, which is every new
// namespace or pod, so they restrict nothing (a requirement that every
// namespace meets, Exists on kubernetes.io/metadata.name, restricts nothing either).
bool selector_restricts(const doc::Node* selector);

// The namespace label the API server sets to the namespace's name and its
// owners cannot change or remove.
inline constexpr std::string_view kNamespaceNameLabel = "kubernetes.io/metadata.name";

// A simple, documented heuristic: a validating webhook that gates workloads
// (matches_workloads) and whose configuration, webhook or service name has a
// word of a policy engine or a security control (policy, security, gatekeeper,
// kyverno, opa, kubewarden, psp, psa, sigstore, cosign, connaisseur,
// kubeguard, ...). Words are split at '.', '-', '_' and '/'.
bool enforces_security(const k8s::Object& object, const Webhook& webhook);

// "(mutating|validating) webhook 'name'".
std::string describe(const Webhook& webhook);

}  // namespace kg::rules::wh
