// Facts about the whole input that rules spanning several objects need
// (network policy coverage, namespaces). Small by design: memory grows with
// the number of workloads, not with the size of their manifests.
#pragma once

#include <string>
#include <vector>

#include "k8s/object.h"
#include "k8s/origin.h"
#include "k8s/pod_spec.h"
#include "k8s/selector.h"
#include "rbac/objects.h"

namespace kg::rules {

struct WorkloadFact {
  k8s::Origin origin;
  k8s::Labels pod_labels;
};

struct NetworkPolicyFact {
  k8s::Origin origin;
  k8s::LabelSelector pod_selector;
  bool ingress = false;  // policyTypes include Ingress (explicitly or by default)
  bool egress = false;
  bool has_ingress_rules = false;  // at least one ingress rule (an allow)
  bool has_egress_rules = false;
};

struct NamespaceFact {
  k8s::Origin origin;
};

// An approved sidecar's image in one workload: the same injector should run
// the same image everywhere, so a lone different one stands out.
struct SidecarImageFact {
  k8s::Origin origin;  // path points at the container's image
  std::string profile;
  std::string container;
  std::string image;
};

struct Inventory {
  std::vector<WorkloadFact> workloads;
  std::vector<NetworkPolicyFact> network_policies;
  std::vector<NamespaceFact> namespaces;
  std::vector<SidecarImageFact> sidecar_images;
  rbac::Objects rbac;  // RBAC objects, service accounts and the accounts pods run as

  void merge(Inventory&& other);
};

// Adds what `object` tells about the input to `inventory`.
void collect_facts(const k8s::Object& object, const k8s::PodSpecView* pod, k8s::Origin origin, Inventory& inventory);

}  // namespace kg::rules
