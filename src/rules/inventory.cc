#include "rules/inventory.h"

#include <iterator>

#include "k8s/kinds.h"
#include "rbac/read.h"

namespace kg::rules {

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

NetworkPolicyFact network_policy_fact(const k8s::Object& object, k8s::Origin origin) {
  NetworkPolicyFact fact;
  fact.origin = std::move(origin);
  const doc::Node* spec = object.root->get("spec");
  if (spec == nullptr) return fact;
  fact.pod_selector = k8s::parse_selector(spec->get("podSelector"));
  const doc::Node* ingress = spec->get("ingress");
  const doc::Node* egress = spec->get("egress");
  fact.has_ingress_rules = ingress != nullptr && ingress->is_sequence() && ingress->size() > 0;
  fact.has_egress_rules = egress != nullptr && egress->is_sequence() && egress->size() > 0;
  const doc::Node* types = spec->get("policyTypes");
  if (types != nullptr && types->is_sequence() && types->size() > 0) {
    for (const auto& t : types->items()) {
      if (t.str() == "Ingress") fact.ingress = true;
      if (t.str() == "Egress") fact.egress = true;
    }
  } else {
    // The API server defaults an empty policyTypes to Ingress, plus Egress
    // when spec.egress has at least one rule (len(spec.Egress) != 0: an
    // empty or null egress list does not count).
    fact.ingress = true;
    fact.egress = fact.has_egress_rules;
  }
  return fact;
}

// Cilium's label selectors may prefix keys with their source ("k8s:app",
// "any:app"); pod labels carry none.
k8s::LabelSelector cilium_selector(const doc::Node* node) {
  k8s::LabelSelector selector = k8s::parse_selector(node);
  auto strip = [](std::string key) {
    for (std::string_view prefix : {"k8s:", "any:"}) {
      if (key.starts_with(prefix)) return key.substr(prefix.size());
    }
    return key;
  };
  k8s::Labels labels;
  for (auto& [k, v] : selector.match_labels) labels.emplace(strip(k), v);
  selector.match_labels = std::move(labels);
  for (auto& r : selector.match_expressions) r.key = strip(r.key);
  return selector;
}

// A Cilium rule list enforces its direction as soon as it is written; rules
// that name no peer ({}) allow nothing, so a list of only those is a deny.
bool cilium_allows(const doc::Node* rules) {
  if (rules == nullptr || !rules->is_sequence()) return false;
  for (const auto& r : rules->items()) {
    if (r.is_mapping() && r.size() > 0) return true;
  }
  return false;
}

// CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy: each of spec and
// specs[] is one policy. endpointSelector picks the pods (nodeSelector, for
// host policies, picks none); an ingress or ingressDeny section isolates
// ingress, egress or egressDeny isolates egress.
void cilium_facts(const k8s::Object& object, const k8s::Origin& origin, std::vector<NetworkPolicyFact>& out) {
  auto one = [&](const doc::Node& spec) {
    if (!spec.is_mapping()) return;
    const doc::Node* endpoints = spec.get("endpointSelector");
    if (endpoints == nullptr) return;
    NetworkPolicyFact fact;
    fact.origin = origin;
    fact.pod_selector = cilium_selector(endpoints);
    fact.ingress = spec.get("ingress") != nullptr || spec.get("ingressDeny") != nullptr;
    fact.egress = spec.get("egress") != nullptr || spec.get("egressDeny") != nullptr;
    fact.has_ingress_rules = cilium_allows(spec.get("ingress"));
    fact.has_egress_rules = cilium_allows(spec.get("egress"));
    out.push_back(std::move(fact));
  };
  if (const doc::Node* spec = object.root->get("spec"); spec != nullptr) one(*spec);
  if (const doc::Node* specs = object.root->get("specs"); specs != nullptr && specs->is_sequence()) {
    for (const auto& spec : specs->items()) one(spec);
  }
}

}  // namespace

void collect_facts(const k8s::Object& object, const k8s::PodSpecView* pod, k8s::Origin origin, Inventory& inventory) {
  const std::string& kind = object.ref.kind;
  rbac::read_object(object, pod, origin, inventory.rbac);
  if (pod != nullptr) {
    for (const auto& c : pod->containers) {
      if (c.profile == nullptr) continue;
      k8s::Origin at = origin;
      at.path = object.path_prefix + c.path + ".image";
      const doc::Node* image = c.node->get("image");
      if (image != nullptr) at.mark = image->mark();
      inventory.sidecar_images.push_back(
          SidecarImageFact{std::move(at), c.profile->name, std::string(c.name), std::string(c.image)});
    }
  }
  // A pod or a controller of pods (custom ones too); a PodTemplate runs nothing.
  const k8s::KindInfo* info = k8s::find_kind(object.ref.api_version, kind);
  if (pod != nullptr && (info == nullptr || info->runs_pods())) {
    WorkloadFact fact;
    fact.pod_labels = k8s::parse_labels(pod->metadata != nullptr ? pod->metadata->get("labels") : nullptr);
    fact.origin = std::move(origin);
    inventory.workloads.push_back(std::move(fact));
    return;
  }
  if (kind == "NetworkPolicy" && object.ref.group() == "networking.k8s.io") {
    inventory.network_policies.push_back(network_policy_fact(object, std::move(origin)));
    return;
  }
  if ((kind == "CiliumNetworkPolicy" || kind == "CiliumClusterwideNetworkPolicy") &&
      object.ref.group() == "cilium.io") {
    cilium_facts(object, origin, inventory.network_policies);
    return;
  }
  if (kind == "Namespace" && object.ref.api_version == "v1") {
    inventory.namespaces.push_back(NamespaceFact{std::move(origin)});
  }
}

}  // namespace kg::rules
