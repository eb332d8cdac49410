// Builds an RBAC Policy from YAML text, for the model tests.
#pragma once

#include <string_view>

#include "doc/source.h"
#include "k8s/pod_spec.h"
#include "rbac/policy.h"
#include "rbac/read.h"

namespace kg::testing {

inline rbac::Objects rbac_objects(std::string_view yaml, std::vector<doc::Document>* keep = nullptr) {
  rbac::Objects out;
  doc::load_text(
      yaml, "rbac.yaml",
      [&](doc::Document&& document) {
        k8s::Extraction extraction;
        k8s::extract_objects(document, extraction);
        for (const auto& object : extraction.objects) {
          auto pod = k8s::pod_spec_of(object);
          k8s::Origin origin;
          origin.ref = object.ref;
          origin.file = std::string(object.file);
          origin.mark = object.root->mark();
          rbac::read_object(object, pod ? &*pod : nullptr, origin, out);
        }
        if (keep != nullptr) keep->push_back(std::move(document));
      },
      [](doc::LoadError&&) {});
  return out;
}

inline rbac::Policy rbac_policy(std::string_view yaml, std::string_view default_namespace = "default") {
  return rbac::Policy::build(rbac_objects(yaml), default_namespace);
}

}  // namespace kg::testing
