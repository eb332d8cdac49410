// Host paths as the kubelet sees them, and the ones that hand over the
// container runtime.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kg::rules::pod {

// Lexical normalisation: repeated and trailing slashes removed, "." and ".."
// segments resolved ("/var/run/" and "//var/./run" are "/var/run").
std::string normalize_host_path(std::string_view path);

// The runtime socket or state directory a (normalised) host path exposes:
// the path itself when it is one, the socket it contains when it is one of
// their ancestors ("/", "/run", "/var/lib"), or the runtime directory it
// lies in ("/run/containerd/io.containerd.runtime.v2.task"). nullopt when it
// exposes none of them.
std::optional<std::string_view> exposed_runtime_endpoint(std::string_view normalized_path);

}  // namespace kg::rules::pod
