#include "rules/sc/injector_modes.h"

#include "k8s/sidecar_profile.h"

namespace kg::rules::sc {

std::string_view injector_documented_mode(const k8s::ContainerView& c) {
  if (c.profile == nullptr) return {};
  if (c.profile->injector == "istio" && c.profile->name != "istio-validation") {
    return "istio's transparent-proxy mode (without the istio CNI plugin, istio-init rewrites the pod's iptables as "
           "root with NET_ADMIN and NET_RAW; the CNI plugin or ambient mode removes the need)";
  }
  if (c.profile->injector == "linkerd" && c.profile->name == "linkerd-init") {
    return "linkerd's iptables mode (without the linkerd CNI plugin, linkerd-init rewrites the pod's iptables as "
           "root with NET_ADMIN and NET_RAW; the CNI plugin removes the need)";
  }
  return {};
}

std::string injector_note(const k8s::ContainerView& container) {
  std::string_view mode = injector_documented_mode(container);
  if (mode.empty()) return {};
  return "; this is " + std::string(mode);
}

}  // namespace kg::rules::sc
