#include "audit/event_decoder.h"

#include <simdjson.h>

#include <fmt/format.h>

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

// `request` and `response` may be null (absent from the event).
void decode_bodies(Event& event, const dom::element* request, const dom::element* response) {
  if (!wants_bodies(event)) return;
  // The control plane's own pod and workload writes only feed the state: the
  // containers' names, images and commands, the pod's annotations and service account.
  bool shape_only = is_control_plane(event);
  bool has_response = response != nullptr && response->is_object();
  // The request of a create is only compared with the stored object (which
  // containers appeared at admission); the stored object is what is judged.
  bool request_shape_only = shape_only || (event.verb == "create" && has_response);
  if (request != nullptr && !request->is_null()) event.request_object = to_node(*request, 0, request_shape_only);
  if (response != nullptr && !response->is_null()) event.response_object = to_node(*response, 0, shape_only);
}

void decode_bodies(Event& event, dom::object root, std::string_view request_key, std::string_view response_key) {
  dom::element request, response;
  bool has_request = root[request_key].get(request) == simdjson::SUCCESS;
  bool has_response = root[response_key].get(response) == simdjson::SUCCESS;
  decode_bodies(event, has_request ? &request : nullptr, has_response ? &response : nullptr);
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
}

// GKE: methodName "io.k8s.apps.v1.deployments.patch", resourceName
// "apps/v1/namespaces/NS/deployments/NAME[/SUB]" ("core" for the core group).
Event gke_event(dom::object root) {
  Event event;
  event.format = "gke";
  dom::object payload = obj(root, "protoPayload");
  std::string_view method = str(payload, "methodName");
  size_t dot = method.rfind('.');
  event.verb = std::string(dot == std::string_view::npos ? method : method.substr(dot + 1));
  if (has_obj(payload, "authenticationInfo"))
    event.user = std::string(str(obj(payload, "authenticationInfo"), "principalEmail"));
  if (has_obj(payload, "requestMetadata")) {
    dom::object meta = obj(payload, "requestMetadata");
    if (auto ip = str(meta, "callerIp"); !ip.empty()) event.source_ips.emplace_back(ip);
    event.user_agent = std::string(str(meta, "callerSuppliedUserAgent"));
  }
  std::string_view resource_name = str(payload, "resourceName");
  event.request_uri = std::string(resource_name);
  std::vector<std::string_view> parts;
  for (size_t at = 0; at <= resource_name.size();) {
    size_t slash = resource_name.find('/', at);
    if (slash == std::string_view::npos) slash = resource_name.size();
    parts.push_back(resource_name.substr(at, slash - at));
    at = slash + 1;
  }
  if (parts.size() >= 3) {
    event.object_ref.api_group = parts[0] == "core" ? "" : std::string(parts[0]);
    event.object_ref.api_version = std::string(parts[1]);
    size_t at = 2;
    if (parts.size() >= 5 && parts[2] == "namespaces") {
      event.object_ref.name_space = std::string(parts[3]);
      at = 4;
    }
    if (at < parts.size()) event.object_ref.resource = std::string(parts[at]);
    if (at + 1 < parts.size()) event.object_ref.name = std::string(parts[at + 1]);
    if (at + 2 < parts.size()) event.object_ref.subresource = std::string(parts[at + 2]);
  }
  if (has_obj(payload, "status")) {
    int64_t code = 0;
    if (obj(payload, "status")["code"].get_int64().get(code) == simdjson::SUCCESS) {
      // google.rpc.Code: 0 OK, 7 PERMISSION_DENIED, 16 UNAUTHENTICATED.
      event.response_code = code == 0 ? 200 : code == 7 ? 403 : code == 16 ? 401 : 400;
    }
  }
  if (has_obj(root, "labels")) event.decision = std::string(str(obj(root, "labels"), "authorization.k8s.io/decision"));
  event.audit_id = std::string(str(root, "insertId"));
  event.stage = "ResponseComplete";
  event.level = "RequestResponse";
  set_time(event, str(root, "timestamp"));
  decode_bodies(event, payload, "request", "response");
  return event;
}

// The few fields may_matter() reads, without copying anything.
bool native_may_matter(dom::object root) {
  std::string_view verb, resource, subresource, user;
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
  return may_matter(verb, resource, subresource, user, impersonated, unauthenticated);
}

simdjson::error_code padded_parse(dom::parser& parser, std::string_view text, dom::element& root) {
  return parser.parse(text.data(), text.size(), true).get(root);
}

}  // namespace

struct EventDecoder::Impl {
  dom::parser parser;
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
  // One Event, refilled for each native event: its strings keep their
  // capacity from one line to the next.
  Event& reused = impl_->event;
  auto add_native = [&](dom::object event, std::string_view format) {
    ++last_count_;
    if (skip_irrelevant_ && !native_may_matter(event)) return;
    native_event(event, format, reused);
    on_event(reused);
  };
  dom::element element;
  if (auto err = padded_parse(impl_->parser, text, element); err) {
    return fmt::format("not JSON: {}", simdjson::error_message(err));
  }
  dom::object root;
  if (element.get_object().get(root) != simdjson::SUCCESS) return "not a JSON object";
  std::string_view kind = str(root, "kind");
  std::string_view api_version = str(root, "apiVersion");
  if (kind == "Event" && api_version.starts_with("audit.k8s.io/")) {
    add_native(root, api_version);
    return {};
  }
  if (kind == "EventList" && api_version.starts_with("audit.k8s.io/")) {
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
      add_native(event, api_version);
    }
    if (skipped > 0) return fmt::format("EventList: {} item(s) not an object, skipped", skipped);
    return {};
  }
  if (has_obj(root, "protoPayload")) {
    ++last_count_;
    on_event(gke_event(root));
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
    // The event is JSON text inside the record: parse it on its own (the
    // outer document is not read again, so reusing the parser is safe).
    std::string copy(inner);
    dom::element inner_root;
    if (auto err = padded_parse(impl_->parser, copy, inner_root); err) {
      return fmt::format("AKS properties.log is not JSON: {}", simdjson::error_message(err));
    }
    dom::object event;
    if (inner_root.get_object().get(event) != simdjson::SUCCESS) return "AKS properties.log is not an object";
    add_native(event, "aks");
    return {};
  }
  if (kind.empty()) return "not an audit event (no kind)";
  return fmt::format("not an audit event (kind {} {})", api_version, kind);
}

}  // namespace kg::audit
