// A scan of a live cluster: every object of the resources in resources.h,
// through the same engine, rules and policy as a scan of files, so the same
// object gets the same verdict whether it sits in Git or in the cluster.
#pragma once

#include <string>

#include "cluster/api_client.h"
#include "engine/config.h"
#include "engine/scanner.h"
#include "rules/catalog.h"

namespace kg::cluster {

struct ClusterScanRequest {
  std::string origin;      // stands in for the file name in findings: "cluster:<context>"
  std::string name_space;  // "" reads every namespace and the cluster-scoped resources
  size_t page_size = 500;
};

// Lists what it can; a resource that fails (403, timeout...) becomes an error
// in the result and the others are still read, so exit_code() gives 2 then.
engine::ScanResult scan_cluster(ApiClient& client, const ClusterScanRequest& request, const rules::Catalog& catalog,
                                const engine::Config& config);

// A DNS-1123 label, the only form a namespace name may take.
bool valid_namespace_name(std::string_view name);

}  // namespace kg::cluster
