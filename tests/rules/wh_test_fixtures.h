// YAML builders for the WH rule tests: a webhook configuration around the
// webhook entries a test cares about.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace kg::testing::wh {

// `webhooks` is the YAML of the webhooks: list, starting with "- name: ...".
inline std::string configuration(std::string_view kind, std::string_view webhooks, std::string_view version = "v1",
                                 std::string_view annotations = "") {
  std::string meta = annotations.empty() ? "" : fmt::format("  annotations:\n{}", annotations);
  return fmt::format(
      "apiVersion: admissionregistration.k8s.io/{}\nkind: {}\nmetadata:\n  name: test-webhooks\n{}webhooks:\n{}",
      version, kind, meta, webhooks);
}

inline std::string mutating(std::string_view webhooks, std::string_view version = "v1",
                            std::string_view annotations = "") {
  return configuration("MutatingWebhookConfiguration", webhooks, version, annotations);
}

inline std::string validating(std::string_view webhooks, std::string_view version = "v1",
                              std::string_view annotations = "") {
  return configuration("ValidatingWebhookConfiguration", webhooks, version, annotations);
}

// Rules that send every new pod to the webhook.
inline constexpr std::string_view kPodCreateRules = R"(  rules:
  - operations: ["CREATE"]
    apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["pods"]
)";

// A well-behaved in-cluster target.
inline constexpr std::string_view kServiceTarget = R"(  clientConfig:
    service: {namespace: tools, name: helper}
    caBundle: Y2EgYnVuZGxl
)";

}  // namespace kg::testing::wh
