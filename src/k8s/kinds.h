// The Kubernetes kinds the tool knows, in one table: what each is called
// (group, version, kind, resource), whether it lives in a namespace, where
// it keeps a pod, and which fronts read it. Pod-spec reading, the cluster
// client's lists and watches, audit's resource names, RBAC's "create pods" and
// "patch workloads" resources, webhook coverage, drift owners and the
// default-namespace rule all read this table; a new pod-bearing kind is one
// row (docs/ARCHITECTURE.md, Kinds).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace kg::k8s {

// Where an object keeps the pod it runs or describes: the mapping that holds
// the pod's metadata and spec.
enum class PodAt : uint8_t {
  None,          // carries no pod
  Root,          // Pod: metadata and spec at the top
  Template,      // PodTemplate: template
  SpecTemplate,  // spec.template: Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job
  JobTemplate,   // spec.jobTemplate.spec.template: CronJob
};

// The keys from the object's root to that mapping ({} for Root and None).
std::span<const std::string_view> pod_template_keys(PodAt at);

// Which fronts read objects of a kind. Bits, so one row says it at once.
enum Reader : uint8_t {
  kClusterScan = 1U << 0,   // `cluster scan` lists it
  kClusterWatch = 1U << 1,  // `cluster watch` watches it
  kAudit = 1U << 2,         // audit events on it are decoded (`kubeguard audit`, the audit webhook)
  kAdmission = 1U << 3,     // the shipped webhook configuration sends it to the admission webhook
};

struct KindInfo {
  std::string_view api_version = {};  // the version the tool reads: "v1", "apps/v1"
  std::string_view kind = {};
  std::string_view resource = {};  // plural: the path segment and the RBAC resource
  bool namespaced = true;
  PodAt pod = PodAt::None;
  // A controller: creates pods from its template (Deployment through ReplicaSets).
  bool owns_pods = false;
  // The pod template cannot change once the object exists (a Job's), so only
  // creating one runs a pod of one's choosing.
  bool template_fixed = false;
  // An older group that served the same kind and resource ("extensions" for
  // Deployment): RBAC rules and webhooks may still name it.
  std::string_view legacy_group = {};
  // The kind whose controller creates objects of this kind and names them
  // after itself (a ReplicaSet after its Deployment, a Job after its CronJob).
  std::string_view made_by = {};
  uint8_t readers = 0;  // Reader bits

  std::string_view group() const;  // "" for the core group
  std::string_view version() const;
  bool carries_pod() const { return pod != PodAt::None; }
  // Pod itself, or a controller of pods: writing one runs containers.
  bool runs_pods() const { return pod == PodAt::Root || owns_pods; }
  bool read_by(Reader reader) const { return (readers & reader) != 0; }
};

// Every row, in the order a cluster scan lists them (namespaces first).
std::span<const KindInfo> kinds();

// The row of an object's kind: same kind, and the group of `api_version` is
// the row's (or its legacy group); an object that names no apiVersion is
// matched by kind alone. nullptr otherwise: a kind of the same name in
// another group is another kind (a Knative Service is not a Service).
const KindInfo* find_kind(std::string_view api_version, std::string_view kind);

// By resource ("deployments"), in `group` or its legacy group; nullptr when unknown.
const KindInfo* find_resource(std::string_view group, std::string_view resource);

// By resource alone ("deployments"), for sources that name no group (audit
// events carry it separately and older logs may not); nullptr when unknown.
const KindInfo* find_resource_any_group(std::string_view resource);

}  // namespace kg::k8s
