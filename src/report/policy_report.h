// Policy report objects one at a time, for writing them to a cluster
// (`cluster scan --write-reports`) as well as to a file (-f policyreport).
#pragma once

#include <string>
#include <vector>

#include "report/report.h"

namespace kg::report {

struct PolicyReportObject {
  std::string api_version;  // wgpolicyk8s.io/v1alpha2 or openreports.io/v1alpha1
  std::string kind;         // PolicyReport, ClusterPolicyReport, Report, ClusterReport
  std::string resource;     // the plural: policyreports, clusterpolicyreports, reports, clusterreports
  std::string name_space;   // "" for the cluster-scoped kinds
  std::string name;
  std::string json;  // the whole object
};

// One report per namespace that has findings; the cluster-scoped one holds
// findings on objects without a namespace.
std::vector<PolicyReportObject> policy_reports(const ReportInput& input, bool open_reports);

}  // namespace kg::report
