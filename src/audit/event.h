// One API server audit event (audit.k8s.io/v1 or v1beta1), reduced to what
// the detections read. The request and response bodies are decoded only for
// the resources whose content matters (pods, workloads, webhooks, RBAC), so
// the common event (a lease update, a list) costs a handful of string copies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doc/node.h"

namespace kg::audit {

struct EventObjectRef {
  std::string resource;  // plural, lower case: "pods", "deployments"
  std::string subresource;
  std::string name_space;
  std::string name;
  std::string api_group;  // "" for the core group
  std::string api_version;
  // The object's kind: the table of kinds' for the resource, else, for a
  // custom resource (is_custom_group), the kind its logged body names; ""
  // when neither says.
  std::string kind;

  // "deployments/web" style, with the namespace when there is one: "ns/deployments/web".
  std::string display() const;
};

struct Event {
  std::string audit_id;
  std::string level;  // None, Metadata, Request, RequestResponse
  std::string stage;  // RequestReceived, ResponseStarted, ResponseComplete, Panic
  std::string verb;   // get, list, watch, create, update, patch, delete, deletecollection, ...
  std::string request_uri;
  std::string user;
  std::vector<std::string> groups;
  std::string impersonated_user;  // set when the request used impersonation
  std::vector<std::string> source_ips;
  std::string user_agent;
  EventObjectRef object_ref;
  int response_code = 0;  // 0 when the event carries no response status
  std::string decision;   // allow, forbid, "": the authorization.k8s.io/decision annotation (GKE: its label, else
                          // protoPayload.authorizationInfo[].granted)
  std::string time;       // requestReceivedTimestamp (or stageTimestamp), RFC 3339
  int64_t time_us = 0;    // the same in microseconds since the epoch; 0 when unknown
  std::string format;     // "audit.k8s.io/v1", "gke", "aks": where the event came from
  // pods/exec and pods/attach: the command and container, from wherever the
  // form puts them (the request URI's query, or a PodExecOptions request
  // body as GKE and newer logs write it). The decoder also writes them into
  // request_uri's query when it had none, so URI readers see them too.
  std::vector<std::string> exec_command;
  std::string exec_container;
  // Decoded only for the resources whose content the detections read.
  std::optional<doc::Node> request_object;
  std::optional<doc::Node> response_object;

  // Empties every field, keeping the strings' storage for the next event.
  void clear();

  bool is_service_account() const;
  // "ns" and "name" of a service-account user; empty when the user is not one.
  std::string_view service_account_namespace() const;
  std::string_view service_account_name() const;
  bool succeeded() const { return response_code == 0 || (response_code >= 200 && response_code < 300); }
  bool denied() const { return decision == "forbid" || response_code == 401 || response_code == 403; }
  bool allowed() const { return decision == "allow"; }
};

// Whether any detection can read an event with these fields: writes of pods,
// workloads, webhooks and RBAC; exec and attach; token requests; secrets and
// any write touched by a service account; impersonated or anonymous requests.
// The rest (reads of leases, events, discovery, and most of a real log) is
// counted and passed over without decoding further.
// Writes of custom resources (is_custom_group) count: they may carry a pod.
bool may_matter(std::string_view verb, std::string_view api_group, std::string_view resource,
                std::string_view subresource, std::string_view user, bool impersonated, bool unauthenticated_group);

// The control plane's own actors: the API server, scheduler, controller
// manager, nodes, and kube-system controller service accounts.
bool is_control_plane(const Event& event);

// Whether only the containers' shape of the bodies is kept (the control
// plane's writes, which only feed the state); the pods controllers create are
// kept whole, to be judged.
bool bodies_shape_only(const Event& event);

// Whether the request and response bodies of `event` (its other fields
// decoded) are worth decoding: writes of pods, workloads, webhooks and RBAC.
// Reads are not judged by their bodies, and the control plane's own RBAC and
// webhook writes (the bootstrap roles) never raise an alert.
bool wants_bodies(const Event& event);

// A timestamp as the audit sources write it, to microseconds since the
// epoch; nullopt when unreadable. RFC 3339 and its relatives: "T", "t" or a
// space between date and time, any number of fraction digits, "Z", "z",
// "+HH:MM", "+HHMM", "+HH", " UTC" or no zone at all (taken as UTC, as Log
// Analytics exports write it); and seconds since the epoch as digits, with a
// fraction (or milliseconds, when there are 13 digits).
std::optional<int64_t> parse_time(std::string_view text);

// The Kubernetes kind of a resource plural the detections know ("pods" -> "Pod"); "" otherwise.
std::string_view kind_of_resource(std::string_view resource);

// An API group that custom resource definitions serve: a dotted name outside
// the built-in *.k8s.io groups ("argoproj.io", "apps.openshift.io",
// "serving.knative.dev"). The API server requires a dot in a CRD's group,
// and the built-in groups without one (apps, batch, ...) are in the table.
// Their objects may keep a pod template (an Argo Rollout, a DeploymentConfig).
bool is_custom_group(std::string_view group);

// The kind of the object `ref` names: its `kind` when the decoder set it,
// else the table's for its resource; "" when unknown.
std::string_view kind_of(const EventObjectRef& ref);

}  // namespace kg::audit
