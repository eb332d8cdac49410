// Small helpers the POD rules share: where to point when a field is missing,
// how to name a container in a message, and facts about the pod as a whole.
#pragma once

#include <string>
#include <string_view>

#include "doc/node.h"
#include "k8s/object.h"
#include "k8s/pod_spec.h"

namespace kg::rules::pod {

// A field path inside the object and the node a finding points at.
struct Location {
  std::string path;
  const doc::Node* node = nullptr;
};

// Where a missing container security field belongs: the container's
// securityContext when it has one, else the container itself.
Location security_context_location(const k8s::ContainerView& container);

// The deepest existing mapping along `keys` under the container (e.g.
// {"resources", "limits"}): the finding points at what the user must extend.
Location deepest_location(const k8s::ContainerView& container, std::initializer_list<std::string_view> keys);

// "container 'app'", "init container 'setup'", "sidecar container 'proxy'",
// "ephemeral container 'debugger'".
std::string describe(const k8s::ContainerView& container);

// spec.os.name: windows. The API server forbids the Linux-only security
// fields (seccomp, SELinux, capabilities, allowPrivilegeEscalation, ...) on
// such pods, so rules that demand them skip Windows pods.
bool is_windows_pod(const k8s::PodSpecView& pod);

// Path of an annotation of the pod (or pod template), e.g.
// spec.template.metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"].
std::string annotation_path(const k8s::PodSpecView& pod, std::string_view key);
// The annotation's value node, or null.
const doc::Node* annotation_node(const k8s::PodSpecView& pod, std::string_view key);

// A boolean field that is present and true (YAML true, not the string "true").
bool is_true(const doc::Node* node);
// A boolean field that is present and false.
bool is_false(const doc::Node* node);

}  // namespace kg::rules::pod
