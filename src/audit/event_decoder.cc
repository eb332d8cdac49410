#include "audit/event_decoder.h"

#include <simdjson.h>

#include <fmt/format.h>

#include "audit/exec_command.h"
#include "k8s/object.h"

namespace kg::audit {
namespace {

namespace dom = simdjson::dom;

constexpr doc::Mark kNoMark{};

// Nesting beyond this is not a Kubernetes object; it is refused rather than
// recursed into (the stack is the bound).
constexpr int kMaxDepth = 128;

// When only the containers' shape is wanted (a control-plane write, kept
// for state; the request of a create, compared with what was stored), these
// are the only fields kept: the path to every pod spec, the containers'
// name, image, command and args, the pod's annotations (whole: sidecar
// profiles read them) and service account.
bool shape_field(std::string_view key) {
  static constexpr std::string_view kKeys[] = {
      "apiVersion",         "kind",           "metadata",    "spec",       "name",           "namespace",
      "annotations",        "template",       "jobTemplate", "containers", "initContainers", "ephemeralContainers",
      "serviceAccountName", "serviceAccount", "image",       "command",    "args",           "restartPolicy"};
  for (auto k : kKeys) {
    if (k == key) return true;
  }
  return false;
}

doc::Node to_node(dom::element e, int depth, bool shape_only, bool is_metadata = false);

doc::Node object_to_node(dom::object object, int depth, bool shape_only, bool is_metadata) {
  doc::Node out = doc::Node::mapping(kNoMark);
  for (auto field : object) {
    // managedFields is often most of an object and no detection reads it;
    // neither does any read an object's status (a pod's is large).
    if (is_metadata && field.key == "managedFields") continue;
    if (depth == 0 && field.key == "status") continue;
    if (shape_only && !shape_field(field.key)) continue;
    // Under annotations every key counts.
    bool child_shape_only = shape_only && field.key != "annotations";
    out.set(std::string(field.key), kNoMark,
            to_node(field.value, depth + 1, child_shape_only, depth == 0 && field.key == "metadata"));
  }
  return out;
}

doc::Node to_node(dom::element e, int depth, bool shape_only, bool is_metadata) {
  if (depth > kMaxDepth) return doc::Node::null(kNoMark);
  switch (e.type()) {
    case dom::element_type::OBJECT:
      return object_to_node(e.get_object().value_unsafe(), depth, shape_only, is_metadata);
    case dom::element_type::ARRAY: {
      dom::array array = e.get_array().value_unsafe();
      doc::Node out = doc::Node::sequence(kNoMark);
      for (dom::element item : array) out.append(to_node(item, depth + 1, shape_only));
      return out;
    }
    case dom::element_type::STRING:
      return doc::Node::scalar(std::string(e.get_string().value_unsafe()), doc::ScalarType::String, kNoMark);
    case dom::element_type::INT64:
      return doc::Node::scalar(std::to_string(e.get_int64().value_unsafe()), doc::ScalarType::Int, kNoMark);
    case dom::element_type::UINT64:
      return doc::Node::scalar(std::to_string(e.get_uint64().value_unsafe()), doc::ScalarType::Int, kNoMark);
    case dom::element_type::DOUBLE:
      return doc::Node::scalar(fmt::format("{}", e.get_double().value_unsafe()), doc::ScalarType::Float, kNoMark);
    case dom::element_type::BOOL:
      return doc::Node::scalar(e.get_bool().value_unsafe() ? "true" : "false", doc::ScalarType::Bool, kNoMark);
    case dom::element_type::NULL_VALUE: return doc::Node::null(kNoMark);
  }
  return doc::Node::null(kNoMark);
}

std::string_view str(dom::object object, std::string_view key) {
  std::string_view value;
  if (object[key].get_string().get(value) != simdjson::SUCCESS) return {};
  return value;
}

dom::object obj(dom::object object, std::string_view key) {
  dom::object value;
  if (object[key].get_object().get(value) != simdjson::SUCCESS) return {};
  return value;
}

bool has_obj(dom::object object, std::string_view key) {
  dom::object value;
  return object[key].get_object().get(value) == simdjson::SUCCESS;
}

void strings(dom::object object, std::string_view key, std::vector<std::string>& out) {
  dom::array array;
  if (object[key].get_array().get(array) != simdjson::SUCCESS) return;
  for (dom::element item : array) {
    std::string_view s;
    if (item.get_string().get(s) == simdjson::SUCCESS) out.emplace_back(s);
  }
}

void set_time(Event& event, std::string_view text) {
  event.time.assign(text);
  event.time_us = parse_time(text).value_or(0);
}

// "core.k8s.io/v1.Pod" (GKE's "@type" of a body) -> {"v1", "Pod"};
// "apps.k8s.io/v1.Deployment" -> {"apps/v1", "Deployment"}.
bool kind_from_type(std::string_view type, std::string& api_version, std::string& kind) {
  size_t slash = type.find('/');
  size_t dot = type.rfind('.');
  if (slash == std::string_view::npos || dot == std::string_view::npos || dot < slash) return false;
  std::string_view group = type.substr(0, slash);
  std::string_view version = type.substr(slash + 1, dot - slash - 1);
  kind.assign(type.substr(dot + 1));
  if (group.ends_with(".k8s.io")) {
    std::string_view bare = group.substr(0, group.size() - 7);
    // The groups named without the suffix (core, apps, batch, ...).
    if (bare == "core") group = {};
    else if (bare == "apps" || bare == "batch" || bare == "policy" || bare == "autoscaling" || bare == "extensions")
      group = bare;
  }
  api_version = group.empty() ? std::string(version) : fmt::format("{}/{}", group, version);
  return !kind.empty() && !version.empty();
}

// A body whose `kind` was left out (GKE writes "@type" instead; some
// exporters drop both): the kind the object reference names, so the
// detections that look for a Pod or a Deployment find it. Only whole objects
// get one: a patch or an exec's options are not the object.
void fill_kind(doc::Node& node, dom::element source, const Event& event) {
  if (!node.is_mapping() || node.get("kind") != nullptr) return;
  std::string api_version, kind;
  dom::object object;
  std::string_view type;
  if (source.get_object().get(object) == simdjson::SUCCESS &&
      object["@type"].get_string().get(type) == simdjson::SUCCESS && kind_from_type(type, api_version, kind)) {
    // taken from the body's own type
  } else {
    const auto& ref = event.object_ref;
    if (!ref.subresource.empty() || is_custom_group(ref.api_group)) return;  // not a kind of the table
    kind.assign(kind_of_resource(ref.resource));
    if (kind.empty()) return;
    api_version = ref.api_group.empty() ? ref.api_version : fmt::format("{}/{}", ref.api_group, ref.api_version);
  }
  node.set("kind", kNoMark, doc::Node::scalar(kind, doc::ScalarType::String, kNoMark));
  if (node.get("apiVersion") == nullptr && !api_version.empty()) {
    node.set("apiVersion", kNoMark, doc::Node::scalar(api_version, doc::ScalarType::String, kNoMark));
  }
}

// Whether `body` keeps a pod template whose spec lists containers where the
// built-in controllers keep one. Asked of a custom resource before its
// bodies are decoded: most custom resources written often (policy reports,
// endpoints, certificates) keep none, and are passed over undecoded.
bool keeps_pod_template(const dom::element* body) {
  if (body == nullptr || !body->is_object()) return false;
  for (const char* pointer : {"/spec/template/spec/containers", "/spec/jobTemplate/spec/template/spec/containers"}) {
    dom::array containers;
    if (body->at_pointer(pointer).get_array().get(containers) == simdjson::SUCCESS && containers.size() > 0) {
      return true;
    }
  }
  return false;
}

// `request` and `response` may be null (absent from the event).
void decode_bodies(Event& event, const dom::element* request, const dom::element* response) {
  // A custom group's resource is never the table's of the same name (a
  // Knative "services" is not the core Service).
  const bool custom = is_custom_group(event.object_ref.api_group);
  event.object_ref.kind.assign(custom ? std::string_view() : kind_of_resource(event.object_ref.resource));
  if (!wants_bodies(event)) return;
  if (custom && !keeps_pod_template(response) && !keeps_pod_template(request)) return;
  // The control plane's own pod and workload writes only feed the state: the
  // containers' names, images and commands, the pod's annotations and service account.
  bool shape_only = bodies_shape_only(event);
  bool has_response = response != nullptr && response->is_object();
  // The request of a create is only compared with the stored object (which
  // containers appeared at admission); the stored object is what is judged.
  // A refused create's response is a Status, not the object: then the
  // request is what is judged (a CSR the API server refused, by its subject).
  bool request_shape_only = shape_only || (event.verb == "create" && has_response && event.succeeded());
  bool whole_request = event.verb == "create" || event.verb == "update";
  if (request != nullptr && !request->is_null()) {
    event.request_object = to_node(*request, 0, request_shape_only);
    if (whole_request) fill_kind(*event.request_object, *request, event);
  }
  if (response != nullptr && !response->is_null()) {
    event.response_object = to_node(*response, 0, shape_only);
    fill_kind(*event.response_object, *response, event);
  }
  // A custom resource: the kind the stored object names, else the request's
  // when it is the whole object (a patch is not, and a refused write's
  // response is a Status).
  auto& ref = event.object_ref;
  if (custom && ref.subresource.empty()) {
    if (event.response_object && event.succeeded()) ref.kind = k8s::string_at(&*event.response_object, "kind");
    if (ref.kind.empty() && event.request_object && whole_request) {
      ref.kind = k8s::string_at(&*event.request_object, "kind");
    }
  }
}

std::string query_escape(std::string_view text) {
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || c == '/') {
      out += ch;
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// pods/exec and pods/attach: the command from the URI's query, else from a
// PodExecOptions body (`command`, `container`), written back into the query.
void exec_details(Event& event, const dom::element* request) {
  const auto& ref = event.object_ref;
  if (ref.resource != "pods" || (ref.subresource != "exec" && ref.subresource != "attach")) return;
  ExecCommand from_uri = parse_exec_uri(event.request_uri);
  event.exec_command = std::move(from_uri.argv);
  event.exec_container = std::move(from_uri.container);
  dom::object body;
  if (request == nullptr || request->get_object().get(body) != simdjson::SUCCESS) return;
  std::string query;
  if (event.exec_command.empty()) {
    dom::array command;
    if (body["command"].get_array().get(command) == simdjson::SUCCESS) {
      for (dom::element word : command) {
        std::string_view w;
        if (word.get_string().get(w) != simdjson::SUCCESS) continue;
        event.exec_command.emplace_back(w);
        query += fmt::format("{}command={}", query.empty() ? "" : "&", query_escape(w));
      }
    } else if (std::string_view one; body["command"].get_string().get(one) == simdjson::SUCCESS) {
      event.exec_command.emplace_back(one);
      query += fmt::format("command={}", query_escape(one));
    }
  }
  if (event.exec_container.empty()) {
    std::string_view container;
    if (body["container"].get_string().get(container) == simdjson::SUCCESS && !container.empty()) {
      event.exec_container.assign(container);
      query += fmt::format("{}container={}", query.empty() ? "" : "&", query_escape(container));
    }
  }
  if (query.empty()) return;
  event.request_uri += event.request_uri.find('?') == std::string::npos ? '?' : '&';
  event.request_uri += query;
}

std::string_view as_str(dom::element e) {
  std::string_view value;
  if (e.get_string().get(value) != simdjson::SUCCESS) return {};
  return value;
}

// audit.k8s.io Event, v1 or v1beta1 (same field names for what is read
// here). One pass over the fields: most events are judged on these alone.
void native_event(dom::object root, std::string_view format, Event& event) {
  event.clear();
  event.format.assign(format);
  std::string_view received, stage_time, timestamp;
  dom::element request, response;
  bool has_request = false, has_response = false;
  for (auto field : root) {
    std::string_view key = field.key;
    dom::element value = field.value;
    switch (key.empty() ? '\0' : key[0]) {
      case 'a':
        if (key == "auditID") {
          event.audit_id.assign(as_str(value));
        } else if (key == "annotations") {
          dom::object annotations;
          if (value.get_object().get(annotations) == simdjson::SUCCESS) {
            event.decision.assign(str(annotations, "authorization.k8s.io/decision"));
          }
        }
        break;
      case 'l':
        if (key == "level") event.level.assign(as_str(value));
        break;
      case 's':
        if (key == "stage") event.stage.assign(as_str(value));
        else if (key == "sourceIPs") {
          dom::array ips;
          if (value.get_array().get(ips) == simdjson::SUCCESS) {
            for (dom::element ip : ips) event.source_ips.emplace_back(as_str(ip));
          }
        } else if (key == "stageTimestamp") stage_time = as_str(value);
        break;
      case 'v':
        if (key == "verb") event.verb.assign(as_str(value));
        break;
      case 'r':
        if (key == "requestURI") event.request_uri.assign(as_str(value));
        else if (key == "requestReceivedTimestamp") received = as_str(value);
        else if (key == "requestObject") {
          request = value;
          has_request = true;
        } else if (key == "responseObject") {
          response = value;
          has_response = true;
        } else if (key == "responseStatus") {
          dom::object status;
          int64_t code = 0;
          if (value.get_object().get(status) == simdjson::SUCCESS &&
              status["code"].get_int64().get(code) == simdjson::SUCCESS) {
            event.response_code = static_cast<int>(code);
          }
        }
        break;
      case 'u':
        if (key == "userAgent") {
          event.user_agent.assign(as_str(value));
        } else if (key == "user") {
          dom::object user;
          if (value.get_object().get(user) == simdjson::SUCCESS) {
            event.user.assign(str(user, "username"));
            strings(user, "groups", event.groups);
          }
        }
        break;
      case 'i':
        if (key == "impersonatedUser") {
          dom::object user;
          if (value.get_object().get(user) == simdjson::SUCCESS) event.impersonated_user.assign(str(user, "username"));
        }
        break;
      case 'o':
        if (key == "objectRef") {
          dom::object ref;
          if (value.get_object().get(ref) != simdjson::SUCCESS) break;
          for (auto f : ref) {
            std::string_view k = f.key;
            if (k == "resource") event.object_ref.resource.assign(as_str(f.value));
            else if (k == "subresource") event.object_ref.subresource.assign(as_str(f.value));
            else if (k == "namespace") event.object_ref.name_space.assign(as_str(f.value));
            else if (k == "name") event.object_ref.name.assign(as_str(f.value));
            else if (k == "apiGroup") event.object_ref.api_group.assign(as_str(f.value));
            else if (k == "apiVersion") event.object_ref.api_version.assign(as_str(f.value));
          }
        }
        break;
      case 't':
        if (key == "timestamp") timestamp = as_str(value);  // v1beta1
        break;
      default: break;
    }
  }
  std::string_view time = !received.empty() ? received : !stage_time.empty() ? stage_time : timestamp;
  set_time(event, time);
  decode_bodies(event, has_request ? &request : nullptr, has_response ? &response : nullptr);
  exec_details(event, has_request ? &request : nullptr);
}

bool is_version(std::string_view part) {
  // v1, v1beta1, v2alpha3
  if (part.size() < 2 || part[0] != 'v' || part[1] < '0' || part[1] > '9') return false;
  for (char c : part.substr(1)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  for (size_t at = 0; at <= text.size();) {
    size_t end = text.find(sep, at);
    if (end == std::string_view::npos) end = text.size();
    parts.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return parts;
}

// methodName "io.k8s.core.v1.pods.exec.create", "io.k8s.apps.v1.deployments.patch",
// "io.k8s.authorization.rbac.v1.clusterrolebindings.create" (the group's
// domain reversed): the verb, and the reference when resourceName says nothing.
void gke_method(std::string_view method, Event& event, bool fill_ref) {
  std::vector<std::string_view> parts = split(method, '.');
  if (!parts.empty()) event.verb.assign(parts.back());
  if (!fill_ref || parts.size() < 5 || parts[0] != "io" || parts[1] != "k8s") return;
  size_t version_at = 0;
  for (size_t i = 2; i + 1 < parts.size(); ++i) {
    if (is_version(parts[i])) {
      version_at = i;
      break;
    }
  }
  if (version_at == 0 || version_at + 2 >= parts.size()) return;
  std::vector<std::string_view> group(parts.begin() + 2, parts.begin() + static_cast<std::ptrdiff_t>(version_at));
  auto& ref = event.object_ref;
  if (group.size() == 1 && group[0] == "core") {
    ref.api_group.clear();
  } else if (group.size() == 1 && (group[0] == "apps" || group[0] == "batch" || group[0] == "policy" ||
                                   group[0] == "autoscaling" || group[0] == "extensions")) {
    ref.api_group.assign(group[0]);
  } else {
    ref.api_group.clear();
    for (size_t i = group.size(); i-- > 0;) ref.api_group += fmt::format("{}.", group[i]);
    ref.api_group += "k8s.io";
  }
  ref.api_version.assign(parts[version_at]);
  ref.resource.assign(parts[version_at + 1]);
  if (version_at + 3 < parts.size()) ref.subresource.assign(parts[version_at + 2]);
}

// resourceName "apps/v1/namespaces/NS/deployments/NAME[/SUB]" ("core" for
// the core group); cluster-scoped "rbac.authorization.k8s.io/v1/clusterroles/NAME".
bool gke_resource_name(std::string_view resource_name, EventObjectRef& ref) {
  std::vector<std::string_view> parts = split(resource_name, '/');
  if (parts.size() < 3 || !is_version(parts[1])) return false;
  ref.api_group = parts[0] == "core" ? "" : std::string(parts[0]);
  ref.api_version = std::string(parts[1]);
  size_t at = 2;
  if (parts.size() >= 4 && parts[2] == "namespaces" && parts.size() != 4) {
    ref.name_space = std::string(parts[3]);
    at = 4;
  }
  ref.resource.clear();
  ref.name.clear();
  ref.subresource.clear();
  if (at < parts.size()) ref.resource = std::string(parts[at]);
  if (at + 1 < parts.size()) ref.name = std::string(parts[at + 1]);
  if (at + 2 < parts.size()) ref.subresource = std::string(parts[at + 2]);
  return !ref.resource.empty();
}

// The path the API server was asked for, rebuilt from the reference.
std::string request_path(const EventObjectRef& ref) {
  std::string out = ref.api_group.empty() ? fmt::format("/api/{}", ref.api_version)
                                          : fmt::format("/apis/{}/{}", ref.api_group, ref.api_version);
  if (!ref.name_space.empty() && ref.resource != "namespaces") out += fmt::format("/namespaces/{}", ref.name_space);
  out += fmt::format("/{}", ref.resource);
  if (!ref.name.empty()) out += fmt::format("/{}", ref.name);
  if (!ref.subresource.empty()) out += fmt::format("/{}", ref.subresource);
  return out;
}

// metadata.name and metadata.namespace of a body, for a reference that lacks them.
void ref_from_body(const dom::element* body, EventObjectRef& ref) {
  dom::object object, metadata;
  if (body == nullptr || body->get_object().get(object) != simdjson::SUCCESS ||
      object["metadata"].get_object().get(metadata) != simdjson::SUCCESS) {
    return;
  }
  if (ref.name.empty()) ref.name.assign(str(metadata, "name"));
  if (ref.name_space.empty()) ref.name_space.assign(str(metadata, "namespace"));
}

// The allow decision: the authorization label when there is one, else
// protoPayload.authorizationInfo[].granted (every check granted: allow; any refused: forbid).
std::string gke_decision(dom::object root, dom::object payload) {
  if (has_obj(root, "labels")) {
    std::string_view label = str(obj(root, "labels"), "authorization.k8s.io/decision");
    if (!label.empty()) return std::string(label);
  }
  dom::array checks;
  if (payload["authorizationInfo"].get_array().get(checks) != simdjson::SUCCESS) return {};
  bool any = false;
  for (dom::element check : checks) {
    bool granted = false;
    dom::object c;
    if (check.get_object().get(c) != simdjson::SUCCESS) continue;
    any = true;
    if (c["granted"].get_bool().get(granted) != simdjson::SUCCESS || !granted) return "forbid";
  }
  return any ? "allow" : "";
}

// GKE Cloud Audit LogEntry ({"protoPayload": {...}}), as Cloud Logging
// exports it and as `gcloud logging read --format=json` prints it.
void gke_event(dom::object root, Event& event) {
  event.clear();
  event.format = "gke";
  dom::object payload = obj(root, "protoPayload");
  std::string_view resource_name = str(payload, "resourceName");
  bool have_ref = gke_resource_name(resource_name, event.object_ref);
  gke_method(str(payload, "methodName"), event, !have_ref);
  if (has_obj(payload, "authenticationInfo")) {
    dom::object auth = obj(payload, "authenticationInfo");
    event.user.assign(str(auth, "principalEmail"));
    if (event.user.empty()) event.user.assign(str(auth, "principalSubject"));
    // A request made with Impersonate-User: principalEmail stays the caller
    // and the identity it acted as is the AuditLog's authoritySelector ("the
    // authority selector specified by the requestor"), as GKE writes it.
    event.impersonated_user.assign(str(auth, "authoritySelector"));
  }
  if (has_obj(payload, "requestMetadata")) {
    dom::object meta = obj(payload, "requestMetadata");
    if (auto ip = str(meta, "callerIp"); !ip.empty()) event.source_ips.emplace_back(ip);
    event.user_agent.assign(str(meta, "callerSuppliedUserAgent"));
  }
  dom::element request, response;
  bool has_request = payload["request"].get(request) == simdjson::SUCCESS;
  bool has_response = payload["response"].get(response) == simdjson::SUCCESS;
  if (!event.object_ref.resource.empty()) {
    ref_from_body(has_response ? &response : nullptr, event.object_ref);
    ref_from_body(has_request ? &request : nullptr, event.object_ref);
    event.request_uri = request_path(event.object_ref);
  } else {
    // A non-resource path ("readyz", "/healthz").
    event.request_uri = resource_name.starts_with("/") ? std::string(resource_name) : fmt::format("/{}", resource_name);
  }
  if (has_obj(payload, "status")) {
    int64_t code = 0;
    if (obj(payload, "status")["code"].get_int64().get(code) == simdjson::SUCCESS) {
      // google.rpc.Code: 0 OK, 7 PERMISSION_DENIED, 16 UNAUTHENTICATED.
      event.response_code = code == 0 ? 200 : code == 7 ? 403 : code == 16 ? 401 : 400;
    }
  }
  event.decision = gke_decision(root, payload);
  // One request may be two entries (operation.first, then operation.last):
  // they share operation.id, as a native request's stages share its auditID.
  dom::object operation = obj(root, "operation");
  std::string_view operation_id = has_obj(root, "operation") ? str(operation, "id") : std::string_view();
  event.audit_id.assign(!operation_id.empty() ? operation_id : str(root, "insertId"));
  bool first = false, last = false;
  if (has_obj(root, "operation")) {
    if (operation["first"].get_bool().get(first) != simdjson::SUCCESS) first = false;
    if (operation["last"].get_bool().get(last) != simdjson::SUCCESS) last = false;
  }
  event.stage = first && !last ? "ResponseStarted" : "ResponseComplete";
  event.level = "RequestResponse";
  std::string_view time = str(root, "timestamp");
  if (time.empty()) time = str(root, "receiveTimestamp");
  set_time(event, time);
  decode_bodies(event, has_request ? &request : nullptr, has_response ? &response : nullptr);
  exec_details(event, has_request ? &request : nullptr);
}

// The few fields may_matter() reads, without copying anything.
bool native_may_matter(dom::object root) {
  std::string_view verb, api_group, resource, subresource, user;
  bool impersonated = false, unauthenticated = false;
  for (auto field : root) {
    std::string_view key = field.key;
    if (key == "verb") {
      verb = as_str(field.value);
    } else if (key == "objectRef") {
      dom::object ref;
      if (field.value.get_object().get(ref) != simdjson::SUCCESS) continue;
      for (auto f : ref) {
        if (f.key == "resource") resource = as_str(f.value);
        else if (f.key == "subresource") subresource = as_str(f.value);
        else if (f.key == "apiGroup") api_group = as_str(f.value);
      }
    } else if (key == "user") {
      dom::object u;
      if (field.value.get_object().get(u) != simdjson::SUCCESS) continue;
      for (auto f : u) {
        if (f.key == "username") {
          user = as_str(f.value);
        } else if (f.key == "groups") {
          dom::array groups;
          if (f.value.get_array().get(groups) != simdjson::SUCCESS) continue;
          for (dom::element g : groups) unauthenticated = unauthenticated || as_str(g) == "system:unauthenticated";
        }
      }
    } else if (key == "impersonatedUser") {
      impersonated = true;
    }
  }
  return may_matter(verb, api_group, resource, subresource, user, impersonated, unauthenticated);
}

simdjson::error_code padded_parse(dom::parser& parser, std::string_view text, dom::element& root) {
  return parser.parse(text.data(), text.size(), true).get(root);
}

// An Event whose apiVersion (or kind too) was dropped by an exporter: kind
// "Event" or none, and the fields only an audit event has.
bool looks_like_audit_event(dom::object root, std::string_view kind, std::string_view api_version) {
  if (!api_version.empty() || (!kind.empty() && kind != "Event")) return false;
  bool id = false, verb = false, where = false, stage = false;
  for (auto field : root) {
    std::string_view key = field.key;
    id = id || key == "auditID";
    verb = verb || key == "verb";
    where = where || key == "requestURI" || key == "objectRef";
    stage = stage || key == "stage";
  }
  return id && verb && (where || stage);
}

}  // namespace

struct EventDecoder::Impl {
  dom::parser parser;
  dom::parser inner;  // AKS events held as JSON text inside a record (the outer document stays in `parser`)
  Event event;
};

EventDecoder::EventDecoder() : impl_(std::make_unique<Impl>()) {}
EventDecoder::~EventDecoder() = default;
EventDecoder::EventDecoder(EventDecoder&&) noexcept = default;
EventDecoder& EventDecoder::operator=(EventDecoder&&) noexcept = default;

std::string EventDecoder::decode(std::string_view text, std::vector<Event>& out) {
  return decode(text, [&out](const Event& event) { out.push_back(event); });
}

std::string EventDecoder::decode(std::string_view text, const std::function<void(const Event&)>& on_event) {
  last_count_ = 0;
  // A UTF-8 byte order mark (Windows tools and some exports write one).
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  // One Event, refilled for each event: its strings keep their capacity from one line to the next.
  Event& reused = impl_->event;
  auto add_native = [&](dom::object event, std::string_view format) {
    ++last_count_;
    if (skip_irrelevant_ && !native_may_matter(event)) return;
    native_event(event, format, reused);
    on_event(reused);
  };

  // One object in any of the forms; `nested` is set inside a list of them
  // (an EventList, a records array, a JSON array), which is not searched again.
  std::function<std::string(dom::object, bool)> decode_object = [&](dom::object root, bool nested) -> std::string {
    std::string_view kind = str(root, "kind");
    std::string_view api_version = str(root, "apiVersion");
    if (kind == "Event" && api_version.starts_with("audit.k8s.io/")) {
      add_native(root, api_version);
      return {};
    }
    if (kind == "EventList" && (api_version.starts_with("audit.k8s.io/") || api_version.empty()) && !nested) {
      dom::array items;
      if (root["items"].get_array().get(items) != simdjson::SUCCESS) {
        if (root["items"].is_null()) return {};
        return "EventList without an items array";
      }
      size_t skipped = 0;
      for (dom::element item : items) {
        dom::object event;
        if (item.get_object().get(event) != simdjson::SUCCESS) {
          ++skipped;
          continue;
        }
        add_native(event, api_version.empty() ? std::string_view("audit.k8s.io") : api_version);
      }
      if (skipped > 0) return fmt::format("EventList: {} item(s) not an object, skipped", skipped);
      return {};
    }
    if (has_obj(root, "protoPayload")) {
      ++last_count_;
      gke_event(root, reused);
      on_event(reused);
      return {};
    }
    if (str(root, "category").starts_with("kube-audit") && has_obj(root, "properties")) {
      dom::object properties = obj(root, "properties");
      dom::object log;
      if (properties["log"].get_object().get(log) == simdjson::SUCCESS) {
        add_native(log, "aks");
        return {};
      }
      std::string_view inner;
      if (properties["log"].get_string().get(inner) != simdjson::SUCCESS) return "AKS record without properties.log";
      // The event is JSON text inside the record: parsed by a parser of its own.
      std::string copy(inner);
      dom::element inner_root;
      if (auto err = padded_parse(impl_->inner, copy, inner_root); err) {
        return fmt::format("AKS properties.log is not JSON: {}", simdjson::error_message(err));
      }
      dom::object event;
      if (inner_root.get_object().get(event) != simdjson::SUCCESS) return "AKS properties.log is not an object";
      add_native(event, "aks");
      return {};
    }
    // Azure diagnostic exports: {"records": [record, ...]}.
    if (dom::array records; !nested && root["records"].get_array().get(records) == simdjson::SUCCESS) {
      size_t skipped = 0;
      std::string first_error;
      for (dom::element item : records) {
        dom::object record;
        std::string error = item.get_object().get(record) == simdjson::SUCCESS ? decode_object(record, true)
                                                                               : std::string("not an object");
        if (!error.empty()) {
          ++skipped;
          if (first_error.empty()) first_error = std::move(error);
        }
      }
      if (skipped > 0) return fmt::format("records: {} record(s) skipped ({})", skipped, first_error);
      return {};
    }
    if (looks_like_audit_event(root, kind, api_version)) {
      add_native(root, "audit.k8s.io");
      return {};
    }
    if (kind.empty()) return "not an audit event (no kind)";
    return fmt::format("not an audit event (kind {} {})", api_version, kind);
  };

  dom::element element;
  if (auto err = padded_parse(impl_->parser, text, element); err) {
    return fmt::format("not JSON: {}", simdjson::error_message(err));
  }
  // `gcloud logging read --format=json` (and other exporters) print a JSON array of entries.
  if (dom::array entries; element.get_array().get(entries) == simdjson::SUCCESS) {
    size_t skipped = 0;
    std::string first_error;
    for (dom::element item : entries) {
      dom::object entry;
      std::string error =
          item.get_object().get(entry) == simdjson::SUCCESS ? decode_object(entry, true) : std::string("not an object");
      if (!error.empty()) {
        ++skipped;
        if (first_error.empty()) first_error = std::move(error);
      }
    }
    if (skipped > 0)
      return fmt::format("array: {} entr{} skipped ({})", skipped, skipped == 1 ? "y" : "ies", first_error);
    return {};
  }
  dom::object root;
  if (element.get_object().get(root) != simdjson::SUCCESS) return "not a JSON object";
  return decode_object(root, false);
}

}  // namespace kg::audit
