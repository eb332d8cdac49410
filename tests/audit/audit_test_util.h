// Builders of audit events as the API server writes them, for the detector tests.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "audit/detector.h"
#include "support/test_support.h"

namespace kg::testing {

struct Ev {
  std::string verb = "create";
  std::string resource = "pods";
  std::string subresource;
  std::string ns = "shop";
  std::string name = "web";
  std::string group;
  std::string version = "v1";
  std::string user = "alice";
  std::vector<std::string> groups = {"system:authenticated"};
  std::string user_agent = "kubectl/v1.33.13 (linux/amd64) kubernetes/$Format";
  std::string ip = "203.0.113.7";
  std::string stage = "ResponseComplete";
  std::string level = "RequestResponse";
  std::string uri;  // default built from the reference
  std::string time = "2026-01-01T10:00:00.000000Z";
  std::string decision = "allow";
  int code = 200;
  std::string request;   // raw JSON, "" for none
  std::string response;  // raw JSON, "" for none
  std::string impersonated;
  std::string id = "id-1";

  std::string json() const {
    std::string g;
    for (const auto& x : groups) g += fmt::format("{}\"{}\"", g.empty() ? "" : ",", x);
    std::string path = uri;
    if (path.empty()) {
      path = group.empty() ? "/api/v1" : fmt::format("/apis/{}/{}", group, version);
      if (!ns.empty()) path += "/namespaces/" + ns;
      path += "/" + resource;
      if (!name.empty() && verb != "create") path += "/" + name;
      if (!subresource.empty()) path += "/" + subresource;
    }
    std::string out = fmt::format(
        R"({{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"{}","auditID":"{}","stage":"{}","requestURI":"{}","verb":"{}","user":{{"username":"{}","groups":[{}]}},"sourceIPs":["{}"],"userAgent":"{}","objectRef":{{"resource":"{}","namespace":"{}","name":"{}","apiGroup":"{}","apiVersion":"{}"{}}},"responseStatus":{{"metadata":{{}},"code":{}}},"requestReceivedTimestamp":"{}","stageTimestamp":"{}","annotations":{{"authorization.k8s.io/decision":"{}","authorization.k8s.io/reason":""}})",
        level, id, stage, path, verb, user, g, ip, user_agent, resource, ns, name, group, version,
        subresource.empty() ? "" : fmt::format(R"(,"subresource":"{}")", subresource), code, time, time, decision);
    if (!impersonated.empty()) out += fmt::format(R"(,"impersonatedUser":{{"username":"{}"}})", impersonated);
    if (!request.empty()) out += R"(,"requestObject":)" + request;
    if (!response.empty()) out += R"(,"responseObject":)" + response;
    return out + "}";
  }
};

inline std::string deployment(const std::string& containers, const std::string& extra_pod = "",
                              const std::string& annotations = "{}") {
  return fmt::format(
      R"({{"kind":"Deployment","apiVersion":"apps/v1","metadata":{{"name":"web","namespace":"shop"}},"spec":{{"replicas":1,"selector":{{"matchLabels":{{"app":"web"}}}},"template":{{"metadata":{{"labels":{{"app":"web"}},"annotations":{}}},"spec":{{"containers":[{}]{}}}}}}}}})",
      annotations, containers, extra_pod);
}

inline std::string pod(const std::string& containers, const std::string& extra = "", const std::string& name = "web") {
  return fmt::format(
      R"({{"kind":"Pod","apiVersion":"v1","metadata":{{"name":"{}","namespace":"shop"}},"spec":{{"containers":[{}]{}}}}})",
      name, containers, extra);
}

inline std::string container(const std::string& name, const std::string& image, const std::string& extra = "") {
  return fmt::format(R"({{"name":"{}","image":"{}"{}}})", name, image, extra);
}

inline audit::Detector make_detector(engine::Config config = {}) {
  return audit::Detector(catalog(), std::move(config));
}

inline std::vector<audit::Alert> run(audit::Detector& d, const Ev& ev) { return d.process_json(ev.json()).alerts; }

inline std::vector<const audit::Alert*> of_rule(const std::vector<audit::Alert>& alerts, std::string_view id) {
  std::vector<const audit::Alert*> out;
  for (const auto& a : alerts) {
    if (a.rule_id == id) out.push_back(&a);
  }
  return out;
}

inline rules::Severity worst(const std::vector<audit::Alert>& alerts) {
  rules::Severity s = rules::Severity::Info;
  for (const auto& a : alerts) s = std::max(s, a.severity);
  return s;
}

inline std::string evidence(const audit::Alert& a, std::string_view key) {
  for (const auto& e : a.evidence) {
    if (e.key == key) return e.value;
  }
  return {};
}

}  // namespace kg::testing
