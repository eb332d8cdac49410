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

doc::Node to_node(dom::element e, int depth, bool is_metadata = false);

doc::Node object_to_node(dom::object object, int depth, bool is_metadata) {
  doc::Node out = doc::Node::mapping(kNoMark);
  for (auto field : object) {
    // managedFields is often most of an object and no detection reads it;
    // neither does any read an object's status (a pod's is large).
    if (is_metadata && field.key == "managedFields") continue;
    if (depth == 0 && field.key == "status") continue;
    out.set(std::string(field.key), kNoMark, to_node(field.value, depth + 1, depth == 0 && field.key == "metadata"));
  }
  return out;
}

doc::Node to_node(dom::element e, int depth, bool is_metadata) {
  if (depth > kMaxDepth) return doc::Node::null(kNoMark);
  switch (e.type()) {
    case dom::element_type::OBJECT: return object_to_node(e.get_object().value_unsafe(), depth, is_metadata);
    case dom::element_type::ARRAY: {
      dom::array array = e.get_array().value_unsafe();
      doc::Node out = doc::Node::sequence(kNoMark);
      for (dom::element item : array) out.append(to_node(item, depth + 1));
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
  event.time = std::string(text);
  event.time_us = parse_time(text).value_or(0);
}

void decode_bodies(Event& event, dom::object root, std::string_view request_key, std::string_view response_key) {
  if (!wants_bodies(event)) return;
  dom::element element;
  if (root[request_key].get(element) == simdjson::SUCCESS && !element.is_null()) {
    event.request_object = to_node(element, 0);
  }
  if (root[response_key].get(element) == simdjson::SUCCESS && !element.is_null()) {
    event.response_object = to_node(element, 0);
  }
}

// audit.k8s.io Event, v1 or v1beta1 (same field names for what is read here).
Event native_event(dom::object root, std::string_view format) {
  Event event;
  event.format = std::string(format);
  event.audit_id = std::string(str(root, "auditID"));
  event.level = std::string(str(root, "level"));
  event.stage = std::string(str(root, "stage"));
  event.verb = std::string(str(root, "verb"));
  event.request_uri = std::string(str(root, "requestURI"));
  event.user_agent = std::string(str(root, "userAgent"));
  if (dom::object user = obj(root, "user"); has_obj(root, "user")) {
    event.user = std::string(str(user, "username"));
    strings(user, "groups", event.groups);
  }
  if (has_obj(root, "impersonatedUser"))
    event.impersonated_user = std::string(str(obj(root, "impersonatedUser"), "username"));
  strings(root, "sourceIPs", event.source_ips);
  if (has_obj(root, "objectRef")) {
    dom::object ref = obj(root, "objectRef");
    event.object_ref.resource = std::string(str(ref, "resource"));
    event.object_ref.subresource = std::string(str(ref, "subresource"));
    event.object_ref.name_space = std::string(str(ref, "namespace"));
    event.object_ref.name = std::string(str(ref, "name"));
    event.object_ref.api_group = std::string(str(ref, "apiGroup"));
    event.object_ref.api_version = std::string(str(ref, "apiVersion"));
  }
  if (has_obj(root, "responseStatus")) {
    int64_t code = 0;
    if (obj(root, "responseStatus")["code"].get_int64().get(code) == simdjson::SUCCESS) {
      event.response_code = static_cast<int>(code);
    }
  }
  if (has_obj(root, "annotations"))
    event.decision = std::string(str(obj(root, "annotations"), "authorization.k8s.io/decision"));
  std::string_view time = str(root, "requestReceivedTimestamp");
  if (time.empty()) time = str(root, "stageTimestamp");
  if (time.empty()) time = str(root, "timestamp");  // v1beta1
  set_time(event, time);
  decode_bodies(event, root, "requestObject", "responseObject");
  return event;
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

simdjson::error_code padded_parse(dom::parser& parser, std::string_view text, dom::element& root) {
  return parser.parse(text.data(), text.size(), true).get(root);
}

}  // namespace

struct EventDecoder::Impl {
  dom::parser parser;
};

EventDecoder::EventDecoder() : impl_(std::make_unique<Impl>()) {}
EventDecoder::~EventDecoder() = default;
EventDecoder::EventDecoder(EventDecoder&&) noexcept = default;
EventDecoder& EventDecoder::operator=(EventDecoder&&) noexcept = default;

std::string EventDecoder::decode(std::string_view text, std::vector<Event>& out) {
  dom::element element;
  if (auto err = padded_parse(impl_->parser, text, element); err) {
    return fmt::format("not JSON: {}", simdjson::error_message(err));
  }
  dom::object root;
  if (element.get_object().get(root) != simdjson::SUCCESS) return "not a JSON object";
  std::string_view kind = str(root, "kind");
  std::string_view api_version = str(root, "apiVersion");
  if (kind == "Event" && api_version.starts_with("audit.k8s.io/")) {
    out.push_back(native_event(root, api_version));
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
      out.push_back(native_event(event, api_version));
    }
    if (skipped > 0) return fmt::format("EventList: {} item(s) not an object, skipped", skipped);
    return {};
  }
  if (has_obj(root, "protoPayload")) {
    out.push_back(gke_event(root));
    return {};
  }
  if (str(root, "category").starts_with("kube-audit") && has_obj(root, "properties")) {
    dom::object properties = obj(root, "properties");
    dom::object log;
    if (properties["log"].get_object().get(log) == simdjson::SUCCESS) {
      out.push_back(native_event(log, "aks"));
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
    Event decoded = native_event(event, "aks");
    out.push_back(std::move(decoded));
    return {};
  }
  if (kind.empty()) return "not an audit event (no kind)";
  return fmt::format("not an audit event (kind {} {})", api_version, kind);
}

}  // namespace kg::audit
