#include "k8s/inventory.h"

#include <iterator>

#include "rbac/read.h"

namespace kg::k8s {

void Inventory::merge(Inventory&& other) {
  workloads.insert(workloads.end(), std::make_move_iterator(other.workloads.begin()),
                   std::make_move_iterator(other.workloads.end()));
  network_policies.insert(network_policies.end(), std::make_move_iterator(other.network_policies.begin()),
                          std::make_move_iterator(other.network_policies.end()));
  namespaces.insert(namespaces.end(), std::make_move_iterator(other.namespaces.begin()),
                    std::make_move_iterator(other.namespaces.end()));
  sidecar_images.insert(sidecar_images.end(), std::make_move_iterator(other.sidecar_images.begin()),
                        std::make_move_iterator(other.sidecar_images.end()));
  rbac.merge(std::move(other.rbac));
}

namespace {

NetworkPolicyFact network_policy_fact(const Object& object, Origin origin) {
  NetworkPolicyFact fact;
  fact.origin = std::move(origin);
  const doc::Node* spec = object.root->get("spec");
  if (spec == nullptr) return fact;
  fact.pod_selector = parse_selector(spec->get("podSelector"));
  const doc::Node* ingress = spec->get("ingress");
  const doc::Node* egress = spec->get("egress");
  fact.has_ingress_rules = ingress != nullptr && ingress->size() > 0;
  fact.has_egress_rules = egress != nullptr && egress->size() > 0;
  const doc::Node* types = spec->get("policyTypes");
  if (types != nullptr && types->is_sequence() && types->size() > 0) {
    for (const auto& t : types->items()) {
      if (t.str() == "Ingress") fact.ingress = true;
      if (t.str() == "Egress") fact.egress = true;
    }
  } else {
    // The API server defaults policyTypes: Ingress always, Egress when egress rules exist.
    fact.ingress = true;
    fact.egress = egress != nullptr;
  }
  return fact;
}

}  // namespace

void collect_facts(const Object& object, const PodSpecView* pod, Origin origin, Inventory& inventory) {
  const std::string& kind = object.ref.kind;
  rbac::read_object(object, pod, origin, inventory.rbac);
  if (pod != nullptr) {
    for (const auto& c : pod->containers) {
      if (c.profile == nullptr) continue;
      Origin at = origin;
      at.path = object.path_prefix + c.path + ".image";
      const doc::Node* image = c.node->get("image");
      if (image != nullptr) at.mark = image->mark();
      inventory.sidecar_images.push_back(
          SidecarImageFact{std::move(at), c.profile->name, std::string(c.name), std::string(c.image)});
    }
  }
  if (pod != nullptr && kind != "PodTemplate") {
    WorkloadFact fact;
    fact.pod_labels = parse_labels(pod->metadata != nullptr ? pod->metadata->get("labels") : nullptr);
    fact.origin = std::move(origin);
    inventory.workloads.push_back(std::move(fact));
    return;
  }
  if (kind == "NetworkPolicy" && object.ref.group() == "networking.k8s.io") {
    inventory.network_policies.push_back(network_policy_fact(object, std::move(origin)));
    return;
  }
  if (kind == "Namespace" && object.ref.api_version == "v1") {
    inventory.namespaces.push_back(NamespaceFact{std::move(origin)});
  }
}

}  // namespace kg::k8s
