// What every detection reads besides the event: the catalog (titles, and the
// scan rules KG-AUD-017 runs), the configuration (approved sidecars and
// webhooks), and the state kept across events (bounded).
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "audit/alert.h"
#include "audit/bounded_map.h"
#include "audit/containers.h"
#include "audit/event.h"
#include "audit/settings.h"
#include "engine/config.h"
#include "rules/aud/aud_rules.h"
#include "rules/catalog.h"

namespace kg::audit {

struct DetectContext {
  const rules::Catalog& catalog;
  const engine::Config& config;
  const AuditSettings& audit;
  int64_t correlation_window_us = int64_t{600} * 1'000'000;

  // The cluster's own actors: the control plane (is_control_plane) and the
  // managed cloud's identities the settings name. Their writes feed the state
  // and raise no alert of their own (the pods their controllers create are
  // still judged, see detect_pod_writes).
  bool trusted(const Event& event) const { return is_control_plane(event) || audit.is_platform_identity(event.user); }
};

// What the log showed a role or cluster role grant (or what a built-in one is known to).
struct RoleFacts {
  bool everything = false;             // every verb on every resource of every group
  std::vector<std::string> dangerous;  // "pods/exec", "secrets (get, list)", ...
};

// A certificate signing request whose subject names a privileged group or identity.
struct CsrFacts {
  std::string subject;  // "CN=..., O=..."
  std::string signer;
  bool privileged = false;
};

// An exec or attach into a pod, kept for the correlation window.
struct ExecRecord {
  std::string name_space;
  std::string pod;
  std::string service_account;  // the pod's, when the log told us; "" otherwise
  std::string audit_id;
  std::string user;
  std::string command;  // redacted
  int64_t time_us = 0;
  bool incident_raised = false;
};

struct DetectorState {
  explicit DetectorState(size_t max_objects, size_t max_execs)
      : shapes(max_objects),
        template_groups(max_objects),
        roles(max_objects),
        csrs(max_execs),
        secret_lists(max_execs),
        exec_started(max_execs),
        exec_attempts(max_execs),
        max_execs(max_execs) {}

  // Last known containers of each pod and workload, by "resource/namespace/name".
  BoundedMap<PodShape> shapes;
  // Pods made by controllers, judged once per pod template and container
  // shape (owner, template hash, containers): the first replica speaks for the rest.
  BoundedMap<bool> template_groups;
  // Roles and cluster roles written in the log, by "clusterroles//name" / "roles/ns/name".
  BoundedMap<RoleFacts> roles;
  // Certificate signing requests by name.
  BoundedMap<CsrFacts> csrs;
  // Per identity: the namespaces it listed secrets in, "ns1,ns2,..." with the
  // time of the first; reported once it reaches several within the window.
  BoundedMap<std::pair<int64_t, std::vector<std::string>>> secret_lists;
  // auditIDs of exec/attach already reported at ResponseStarted (so the
  // ResponseComplete of the same request is not reported twice).
  BoundedMap<bool> exec_started;
  // Time of the last exec/attach request per user, pod and command.
  BoundedMap<int64_t> exec_attempts;
  std::deque<ExecRecord> execs;
  size_t max_execs;
};

std::string object_key(const EventObjectRef& ref);

// RFC 1918, loopback, link-local, unique-local IPv6: an in-cluster caller.
bool is_private_address(std::string_view ip);
bool is_write_verb(std::string_view verb);
bool is_pod_or_workload(std::string_view resource);
// A write of a pod or a workload: a kind of the table that carries a pod, or
// a custom resource whose logged body keeps a pod template whose spec lists
// containers (an Argo Rollout, an OpenShift DeploymentConfig, a Knative Service).
bool writes_pods(const Event& event);

std::string_view container_word(k8s::ContainerKind kind);

// Notes about the caller that help an analyst: kubectl/curl user agents,
// in-cluster source addresses.
void add_caller_notes(const Event& event, Alert& alert);

inline std::string_view rule_id(rules::aud::AudRule rule) { return rules::aud::meta(rule).id; }

// An alert of an AUD rule at the severity its metadata gives the named case
// ("" for the rule's own): severities live in src/rules/aud, never here.
inline Alert alert_for(const Event& event, rules::aud::AudRule rule, rules::CaseName severity_case,
                       std::string message) {
  const rules::GradedRule graded = rules::aud::graded(rule);
  return alert_for(event, graded.meta->id, graded.severity_of(severity_case), std::move(message));
}

}  // namespace kg::audit
