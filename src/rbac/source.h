// Where the RBAC objects come from: manifest files (any loader input:
// files, directories, Lists, "-") or a live cluster through the API client.
#pragma once

#include <string>
#include <vector>

#include "cluster/api_client.h"
#include "doc/document.h"
#include "rbac/objects.h"

namespace kg::rbac {

struct Loaded {
  Objects objects;
  std::vector<doc::LoadError> errors;  // unreadable files, malformed documents, unreadable fields
  size_t objects_read = 0;
  size_t files = 0;
};

// Every Role, ClusterRole, binding, ServiceAccount and pod-bearing object of the inputs.
Loaded load_files(const std::vector<std::string>& inputs);

// Lists roles, clusterroles, rolebindings, clusterrolebindings,
// serviceaccounts and pods; a list that fails becomes an error and the
// others are still read. `origin` stands in for the file name ("cluster:ctx").
Loaded load_cluster(cluster::ApiClient& client, const std::string& origin);

}  // namespace kg::rbac
