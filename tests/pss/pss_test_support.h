// Evaluating a pod written inline, for the PSS unit tests.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "doc/source.h"
#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "pss/evaluate.h"

namespace kg::testing {

// Owns the document the verdict's fields point into.
struct Evaluated {
  std::vector<doc::Document> documents;
  k8s::Extraction extraction;
  std::optional<k8s::PodSpecView> pod;
  pss::Result result;

  std::set<std::string> failing() const {
    std::set<std::string> ids;
    for (const auto& f : result.failures) ids.emplace(f.check);
    return ids;
  }
  const pss::CheckFailure* failure(std::string_view check) const {
    for (const auto& f : result.failures) {
      if (f.check == check) return &f;
    }
    return nullptr;
  }
};

inline std::unique_ptr<Evaluated> evaluate_pod(std::string_view yaml, std::string_view policy_text) {
  auto e = std::make_unique<Evaluated>();
  doc::load_text(
      yaml, "pod.yaml", [&](doc::Document&& d) { e->documents.push_back(std::move(d)); }, [](doc::LoadError&&) {});
  if (e->documents.empty()) return e;
  k8s::extract_objects(e->documents[0], e->extraction);
  if (e->extraction.objects.empty()) return e;
  e->pod = k8s::pod_spec_of(e->extraction.objects[0]);
  auto policy = pss::parse_policy(policy_text);
  if (e->pod && policy) e->result = pss::evaluate(*e->pod, *policy);
  return e;
}

// A pod that passes restricted at every version; tests add one violation to it.
inline std::string restricted_pod(std::string_view pod_security_extra = "", std::string_view container_extra = "",
                                  std::string_view spec_extra = "") {
  std::string yaml = R"(apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
)";
  yaml += pod_security_extra;
  yaml += R"(  containers:
  - name: app
    image: registry.example/app:1
    securityContext:
      allowPrivilegeEscalation: false
      capabilities:
        drop: [ALL]
)";
  yaml += container_extra;
  yaml += spec_extra;
  return yaml;
}

}  // namespace kg::testing
