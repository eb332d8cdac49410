// The pods of one node from the API server (GET /api/v1/pods with the
// spec.nodeName field selector), as a PodIndex for `kubeguard node watch`.
#pragma once

#include <span>
#include <string_view>

#include "cluster/api_client.h"
#include "k8s/sidecar_profile.h"
#include "node/pod_index.h"

namespace kg::node {

cluster::Expected<PodIndex> fetch_node_pods(cluster::ApiClient& client, std::string_view node,
                                            std::span<const k8s::SidecarProfile> profiles);

}  // namespace kg::node
