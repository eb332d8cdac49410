#include "audit/event.h"

#include <ctime>

#include "k8s/kinds.h"

namespace kg::audit {
namespace {

constexpr std::string_view kServiceAccountPrefix = "system:serviceaccount:";

bool digits(std::string_view text, size_t at, size_t count, int& out) {
  if (at + count > text.size()) return false;
  int value = 0;
  for (size_t i = at; i < at + count; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

}  // namespace

std::string EventObjectRef::display() const {
  std::string out;
  if (!name_space.empty()) out += name_space + "/";
  out += resource;
  if (!name.empty()) out += "/" + name;
  if (!subresource.empty()) out += "/" + subresource;
  return out;
}

void Event::clear() {
  for (std::string* s :
       {&audit_id, &level, &stage, &verb, &request_uri, &user, &impersonated_user, &user_agent, &decision, &time,
        &format, &object_ref.resource, &object_ref.subresource, &object_ref.name_space, &object_ref.name,
        &object_ref.api_group, &object_ref.api_version, &object_ref.kind}) {
    s->clear();
  }
  groups.clear();
  source_ips.clear();
  exec_command.clear();
  exec_container.clear();
  response_code = 0;
  time_us = 0;
  request_object.reset();
  response_object.reset();
}

bool Event::is_service_account() const { return user.starts_with(kServiceAccountPrefix); }

std::string_view Event::service_account_namespace() const {
  if (!is_service_account()) return {};
  std::string_view rest = std::string_view(user).substr(kServiceAccountPrefix.size());
  return rest.substr(0, rest.find(':'));
}

std::string_view Event::service_account_name() const {
  if (!is_service_account()) return {};
  std::string_view rest = std::string_view(user).substr(kServiceAccountPrefix.size());
  size_t colon = rest.find(':');
  return colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
}

std::string_view kind_of_resource(std::string_view resource) {
  const k8s::KindInfo* info = k8s::find_resource_any_group(resource);
  return info != nullptr && info->read_by(k8s::kAudit) ? info->kind : std::string_view();
}

bool is_control_plane(const Event& event) {
  std::string_view user = event.user;
  if (event.is_service_account()) {
    if (event.service_account_namespace() != "kube-system") return false;
    std::string_view name = event.service_account_name();
    return name.ends_with("-controller") || name.ends_with("-collector") || name == "horizontal-pod-autoscaler" ||
           name == "persistent-volume-binder";
  }
  return user == "system:apiserver" || user == "system:kube-controller-manager" || user == "system:kube-scheduler" ||
         user == "system:kube-proxy" || user.starts_with("system:node:");
}

bool bodies_shape_only(const Event& event) {
  // A pod a controller creates is judged like any other (once per template): whole.
  const auto& ref = event.object_ref;
  if (event.verb == "create" && ref.resource == "pods" && ref.subresource.empty()) return false;
  return is_control_plane(event);
}

std::string_view kind_of(const EventObjectRef& ref) {
  if (!ref.kind.empty()) return ref.kind;
  return is_custom_group(ref.api_group) ? std::string_view() : kind_of_resource(ref.resource);
}

bool is_custom_group(std::string_view group) {
  return group.find('.') != std::string_view::npos && !group.ends_with(".k8s.io");
}

bool may_matter(std::string_view verb, std::string_view api_group, std::string_view resource,
                std::string_view subresource, std::string_view user, bool impersonated, bool unauthenticated_group) {
  if (impersonated || unauthenticated_group || user == "system:anonymous") return true;
  bool write =
      verb == "create" || verb == "update" || verb == "patch" || verb == "delete" || verb == "deletecollection";
  if (resource == "pods" && (subresource == "exec" || subresource == "attach")) return true;
  if (write && !kind_of_resource(resource).empty()) return true;                // pods, workloads, webhooks, RBAC
  if (write && subresource.empty() && is_custom_group(api_group)) return true;  // may keep a pod template
  bool service_account = user.starts_with(kServiceAccountPrefix);
  if (resource == "serviceaccounts") return (subresource == "token" && verb == "create") || (write && service_account);
  // Secrets: a service account's reads; anyone's lists (dumps across namespaces).
  if (resource == "secrets") return service_account || verb == "list" || verb == "watch";
  return false;
}

bool wants_bodies(const Event& event) {
  const auto& ref = event.object_ref;
  if (event.verb != "create" && event.verb != "update" && event.verb != "patch") return false;
  if (ref.subresource == "status" || ref.subresource == "scale" || ref.subresource == "binding") return false;
  // A custom resource's body tells whether it keeps a pod template; its
  // controllers' writes feed the state like a Deployment's.
  if (is_custom_group(ref.api_group)) return ref.subresource.empty();
  std::string_view kind = kind_of_resource(ref.resource);
  if (kind.empty()) return false;
  // Pods and workloads written by controllers still feed the state (the
  // containers a later patch is compared with, a pod's service account).
  bool pod_bearing = k8s::find_resource_any_group(ref.resource)->carries_pod();
  return pod_bearing || !is_control_plane(event);
}

namespace {

// "1741069338", "1741069338.819232", "1741069338819" (milliseconds).
std::optional<int64_t> parse_epoch(std::string_view text) {
  size_t at = 0;
  int64_t whole = 0;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
    if (at >= 16) return std::nullopt;
    whole = whole * 10 + (text[at] - '0');
    ++at;
  }
  if (at < 9) return std::nullopt;  // not a plausible epoch
  const size_t integer_digits = at;
  int64_t micros = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    int64_t scale = 100000;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      micros += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
  }
  if (at != text.size()) return std::nullopt;
  if (integer_digits == 13) return whole * 1000 + micros / 1000;  // milliseconds (and their fraction)
  if (integer_digits > 13) return std::nullopt;
  return whole * 1'000'000 + micros;
}

}  // namespace

std::optional<int64_t> parse_time(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() < 19 || text[4] != '-') return parse_epoch(text);
  // YYYY-MM-DD(T|t| )HH:MM:SS[.fraction][zone]
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, year) || text[4] != '-' || !digits(text, 5, 2, month) || text[7] != '-' ||
      !digits(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !digits(text, 11, 2, hour) || text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' ||
      !digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  size_t at = 19;
  int64_t micros = 0;
  if (at < text.size() && (text[at] == '.' || text[at] == ',')) {
    ++at;
    int64_t scale = 100000;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      micros += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
  }
  std::string_view zone = text.substr(at);
  while (!zone.empty() && zone.front() == ' ') zone.remove_prefix(1);
  int64_t offset_s = 0;
  if (zone.empty() || zone == "Z" || zone == "z" || zone == "UTC" || zone == "GMT") {
    offset_s = 0;
  } else if (zone.front() == '+' || zone.front() == '-') {
    int oh = 0, om = 0;
    std::string_view rest = zone.substr(1);
    bool ok = false;
    if (rest.size() == 5 && rest[2] == ':') ok = digits(rest, 0, 2, oh) && digits(rest, 3, 2, om);  // +HH:MM
    else if (rest.size() == 4) ok = digits(rest, 0, 2, oh) && digits(rest, 2, 2, om);               // +HHMM
    else if (rest.size() == 2) ok = digits(rest, 0, 2, oh);                                         // +HH
    if (!ok || oh > 23 || om > 59) return std::nullopt;
    offset_s = (int64_t{oh} * 3600 + int64_t{om} * 60) * (zone.front() == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  int64_t seconds = static_cast<int64_t>(timegm(&tm)) - offset_s;
  return seconds * 1'000'000 + micros;
}

}  // namespace kg::audit
