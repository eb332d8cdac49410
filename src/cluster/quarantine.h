// Incident response for one pod (`kubeguard quarantine`): cut it off the
// network, take it away from its controller so a healthy replacement starts,
// and keep it, with the evidence, for forensics.
//
// Order matters: the evidence is saved before anything changes; the deny-all
// NetworkPolicy exists before the pod carries the label it selects; the pod's
// labels change in one merge patch (quarantine label on, every other label
// off, recorded in an annotation), so Services stop routing to it, label-based
// allow policies stop matching it, and its ReplicaSet, Job or DaemonSet
// releases it and makes a new pod. Every step is idempotent.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cluster/api_client.h"
#include "doc/node.h"

namespace kg::cluster {

inline constexpr std::string_view kQuarantineLabel = "kubeguard.io/quarantine";
inline constexpr std::string_view kQuarantinePolicy = "kubeguard-quarantine";

struct QuarantineRequest {
  std::string name_space;
  std::string pod;
  std::string reason;
  std::string finding;  // rule ID that led here, if any
  std::string time;     // RFC 3339, when the decision was taken
  std::string evidence_dir = ".";
  bool force = false;    // allow kube-system
  bool dry_run = false;  // print the writes instead of sending them (reads still happen)
};

struct ReleaseRequest {
  std::string name_space;
  std::string pod;
  std::string time;
  bool dry_run = false;
};

// A write to the API server, as sent (or printed by --dry-run).
struct PlannedWrite {
  std::string method;
  std::string path;
  std::string content_type;
  std::string body;
  std::string purpose;
};

struct ResponseReport {
  std::vector<std::string> steps;     // what was done (or would be), in order
  std::vector<std::string> warnings;  // what limits the isolation
  std::string evidence_file;          // "" when none was written
};

Expected<ResponseReport> quarantine_pod(ApiClient& client, const QuarantineRequest& request, std::ostream& dry_run_out);
Expected<ResponseReport> release_pod(ApiClient& client, const ReleaseRequest& request, std::ostream& dry_run_out);

// The pure parts, for tests and for --dry-run.
std::string quarantine_policy_json(std::string_view name_space);
std::string quarantine_patch_json(const doc::Node& pod, std::string_view reason, std::string_view finding,
                                  std::string_view time);
std::string release_patch_json(std::string_view time);
// Policies of the namespace that select every pod and allow some traffic:
// NetworkPolicies add up, so those still reach a quarantined pod.
std::vector<std::string> leaky_policies(const std::vector<doc::Node>& policies);
// "METHOD server/path" headers and the body, as --dry-run prints them.
void print_write(std::ostream& out, std::string_view server, const PlannedWrite& write);

}  // namespace kg::cluster
