// AdmissionReview bodies of the shapes an attacker inside the cluster sends to
// make a decision expensive: thousands of containers, volumes, mounts, env
// entries and ports, and UPDATEs of such workloads. Written as JSON directly
// (the YAML route of review_support.h would dominate the test's time).
// Header-only: the test build compiles *_test.cc files.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace kg::testing {

struct HostileShape {
  int containers = 1;
  int init_containers = 0;
  int host_path_volumes = 0;  // each mounted by the first container
  int env = 0;                // entries per container
  int ports = 0;              // per container
  int mounts = 0;             // extra mounts of one emptyDir, per container
  int labels = 0;             // labels, and as many annotations, on the object's metadata
  int unknown_keys = 0;       // keys no schema knows, per container (the API server drops them)
  bool privileged = false;    // a finding on every container
  std::string tag = "1.27";   // image tag of every container
};

inline std::string hostile_container(const HostileShape& s, std::string_view prefix, int index) {
  std::string out =
      fmt::format(R"({{"name":"{}{}","image":"registry.example/app/c{}:{}")", prefix, index, index, s.tag);
  if (s.privileged) out += R"(,"securityContext":{"privileged":true})";
  for (int i = 0; i < s.unknown_keys; ++i) out += fmt::format(R"(,"x-{}":{})", i, i);
  if (s.env > 0) {
    out += R"(,"env":[)";
    for (int i = 0; i < s.env; ++i) {
      if (i > 0) out += ',';
      out += fmt::format(R"({{"name":"VAR_{}","value":"value-{}"}})", i, i);
    }
    out += ']';
  }
  if (s.ports > 0) {
    out += R"(,"ports":[)";
    for (int i = 0; i < s.ports; ++i) {
      if (i > 0) out += ',';
      out += fmt::format(R"({{"name":"p{}","containerPort":{},"protocol":"TCP"}})", i, 1024 + i % 60000);
    }
    out += ']';
  }
  int volumes = index == 0 && prefix == "c" ? s.host_path_volumes : 0;
  if (volumes > 0 || s.mounts > 0) {
    out += R"(,"volumeMounts":[)";
    bool first = true;
    for (int i = 0; i < volumes; ++i) {
      if (!first) out += ',';
      first = false;
      out += fmt::format(R"({{"name":"h{}","mountPath":"/h/{}"}})", i, i);
    }
    for (int i = 0; i < s.mounts; ++i) {
      if (!first) out += ',';
      first = false;
      out += fmt::format(R"({{"name":"scratch","mountPath":"/m/{}"}})", i);
    }
    out += ']';
  }
  out += '}';
  return out;
}

inline std::string hostile_pod_spec(const HostileShape& s) {
  std::string out = R"({"containers":[)";
  for (int i = 0; i < s.containers; ++i) {
    if (i > 0) out += ',';
    out += hostile_container(s, "c", i);
  }
  out += ']';
  if (s.init_containers > 0) {
    out += R"(,"initContainers":[)";
    for (int i = 0; i < s.init_containers; ++i) {
      if (i > 0) out += ',';
      out += hostile_container(s, "i", i);
    }
    out += ']';
  }
  out += R"(,"volumes":[{"name":"scratch","emptyDir":{}})";
  for (int i = 0; i < s.host_path_volumes; ++i) {
    out += fmt::format(R"(,{{"name":"h{}","hostPath":{{"path":"/var/lib/h{}","type":"Directory"}}}})", i, i);
  }
  out += "]}";
  return out;
}

inline std::string hostile_metadata(const HostileShape& s) {
  std::string out = R"({"name":"web","namespace":"shop")";
  for (const char* field : {"labels", "annotations"}) {
    if (s.labels == 0) break;
    out += fmt::format(R"(,"{}":{{)", field);
    for (int i = 0; i < s.labels; ++i) out += fmt::format(R"({}"example.com/k{}":"v{}")", i > 0 ? "," : "", i, i);
    out += '}';
  }
  return out + '}';
}

inline std::string hostile_pod(const HostileShape& s) {
  return R"({"apiVersion":"v1","kind":"Pod","metadata":)" + hostile_metadata(s) + R"(,"spec":)" + hostile_pod_spec(s) +
         "}";
}

inline std::string hostile_deployment(const HostileShape& s) {
  return R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":)" + hostile_metadata(s) + "," +
         R"("spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":)" +
         hostile_pod_spec(s) + "}}}";
}

// The review around an object (and an old object for UPDATE).
inline std::string hostile_review(std::string_view kind, std::string_view group, std::string_view resource,
                                  const std::string& object, const std::string& old_object = {}) {
  std::string out = fmt::format(
      R"({{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{{"uid":"hostile-1",)"
      R"("kind":{{"group":"{}","version":"v1","kind":"{}"}},"resource":{{"group":"{}","version":"v1","resource":"{}"}},)"
      R"("operation":"{}","namespace":"shop","name":"web",)"
      R"("userInfo":{{"username":"system:serviceaccount:shop:ci","groups":["system:authenticated"]}},"object":)",
      group, kind, group, resource, old_object.empty() ? "CREATE" : "UPDATE");
  out += object;
  if (!old_object.empty()) out += R"(,"oldObject":)" + old_object;
  out += R"(,"dryRun":false}})";
  return out;
}

inline std::string hostile_pod_review(const HostileShape& s) {
  return hostile_review("Pod", "", "pods", hostile_pod(s));
}

// An UPDATE of a Deployment where every container gets a new tag (an
// ordinary rollout, so the drift comparison has to look at every pair).
inline std::string hostile_update_review(HostileShape s) {
  std::string old_object = hostile_deployment(s);
  s.tag = "1.28";
  return hostile_review("Deployment", "apps", "deployments", hostile_deployment(s), old_object);
}

}  // namespace kg::testing
