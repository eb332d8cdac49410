#include "audit/detect_context.h"

#include <array>

#include <arpa/inet.h>

#include "k8s/kinds.h"
#include "k8s/pod_spec.h"

namespace kg::audit {

std::string object_key(const EventObjectRef& ref) {
  std::string key;
  key.reserve(ref.resource.size() + ref.name_space.size() + ref.name.size() + 2);
  key += ref.resource;
  key += '/';
  key += ref.name_space;
  key += '/';
  key += ref.name;
  return key;
}

bool is_private_address(std::string_view ip) {
  std::string text(ip);
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) {
    unsigned a = bytes[0], b = bytes[1];
    return a == 10 || a == 127 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168) ||
           (a == 169 && b == 254) || (a == 100 && b >= 64 && b <= 127);
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) {
    bool loopback = true;
    for (size_t i = 0; i < 15; ++i) loopback = loopback && bytes[i] == 0;
    if (loopback && bytes[15] == 1) return true;
    return (bytes[0] & 0xfe) == 0xfc || (bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80);
  }
  return false;
}

bool is_write_verb(std::string_view verb) {
  return verb == "create" || verb == "update" || verb == "patch" || verb == "delete" || verb == "deletecollection";
}

bool is_pod_or_workload(std::string_view resource) {
  const k8s::KindInfo* info = k8s::find_resource_any_group(resource);
  return info != nullptr && info->carries_pod();
}

bool writes_pods(const Event& event) {
  const auto& ref = event.object_ref;
  if (is_pod_or_workload(ref.resource)) return true;
  if (ref.kind.empty() || !is_custom_group(ref.api_group)) return false;
  for (const auto* body : {&event.response_object, &event.request_object}) {
    if (!*body || !(*body)->is_mapping()) continue;
    k8s::Object view;
    view.ref.api_version = std::string(k8s::string_at(&**body, "apiVersion"));  // a Knative Service is not a Service
    view.ref.kind = ref.kind;
    view.root = &**body;
    if (k8s::pod_spec_of(view)) return true;
  }
  return false;
}

std::string_view container_word(k8s::ContainerKind kind) {
  switch (kind) {
    case k8s::ContainerKind::Regular: return "container";
    case k8s::ContainerKind::Init: return "init container";
    case k8s::ContainerKind::Ephemeral: return "ephemeral container";
  }
  return "container";
}

void add_caller_notes(const Event& event, Alert& alert) {
  std::string_view ua = event.user_agent;
  if (ua.starts_with("kubectl/")) alert.add("userAgentNote", "kubectl");
  else if (ua.starts_with("curl/")) alert.add("userAgentNote", "curl (hand-made API call)");
  else if (ua.starts_with("python-requests") || ua.starts_with("Go-http-client") || ua.starts_with("Wget"))
    alert.add("userAgentNote", "generic HTTP client");
  for (const auto& ip : event.source_ips) {
    if (is_private_address(ip)) {
      alert.add("sourceNote", std::string(ip) + " is an in-cluster or private address");
      break;
    }
  }
}

}  // namespace kg::audit
