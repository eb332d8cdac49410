// The RBAC objects of a live cluster, read through the API client and the
// evaluation session into the same values as manifest files give
// (engine/rbac_source.h).
#pragma once

#include <string>

#include "cluster/api_client.h"
#include "engine/config.h"
#include "rbac/source.h"

namespace kg::cluster {

// Lists roles, clusterroles, rolebindings, clusterrolebindings,
// serviceaccounts and pods; a list that fails becomes an error and the
// others are still read. `origin` stands in for the file name ("cluster:ctx").
rbac::Loaded load_rbac(ApiClient& client, const std::string& origin, const engine::Config& config = engine::Config{});

}  // namespace kg::cluster
