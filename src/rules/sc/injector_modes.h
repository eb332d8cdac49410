// The documented ways approved injectors run their own containers when those
// ways need privilege. istio and linkerd, without their CNI plugins, redirect
// the pod's traffic with iptables from an init container that runs as root
// with NET_ADMIN and NET_RAW: a real weakness, but one the injector documents
// and whose fix is the injector's other mode, not an edit of the pod. Rules
// that report root or added capabilities word their finding in those terms.
#pragma once

#include <string>
#include <string_view>

#include "k8s/pod_spec.h"

namespace kg::rules::sc {

// "istio's transparent-proxy mode (...)" for a container an approved
// injector profile recognised and that runs in such a mode; "" otherwise.
std::string_view injector_documented_mode(const k8s::ContainerView& container);

// "; this is istio's transparent-proxy mode (...)" to end a finding's
// message with, or "" for any other container.
std::string injector_note(const k8s::ContainerView& container);

}  // namespace kg::rules::sc
