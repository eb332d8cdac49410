// Approved admission webhooks: which webhooks may sit in the admission path
// of every pod. An approval names a webhook (glob) AND where the API server
// sends it (service namespace/name, or URL), so a webhook that copies a
// trusted name but calls somewhere else is told apart from the real one.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "doc/node.h"

namespace kg::k8s {

// Where the API server sends a webhook's AdmissionReview (clientConfig).
struct WebhookTarget {
  std::string service_namespace;
  std::string service_name;
  std::string url;

  bool has_service() const { return !service_name.empty() || !service_namespace.empty(); }
  // "service ns/name", "URL https://..." or "no target".
  std::string display() const;
};

WebhookTarget webhook_target_of(const doc::Node* client_config);

struct ApprovedWebhook {
  std::string name;               // glob over webhooks[].name
  std::string service_namespace;  // globs over clientConfig.service, used when url is empty
  std::string service_name;
  std::string url;     // glob over clientConfig.url
  std::string origin;  // who approved it, for messages: "built-in (istio sidecar injector)", ...
  // The webhook's own control plane writes clientConfig.caBundle at runtime,
  // so a manifest without one is expected.
  bool ca_managed = false;

  bool matches_name(std::string_view webhook_name) const;
  bool matches_target(const WebhookTarget& target) const;
  // "service ns/name" or "URL ..." as the approval expects it.
  std::string expected_target() const;
};

// istio's sidecar injector and validator, linkerd's proxy injector and the
// vault agent injector, each in the namespace its installer uses by default.
std::span<const ApprovedWebhook> builtin_webhook_approvals();

enum class ApprovalVerdict : uint8_t {
  Unknown,        // no approval names this webhook
  Approved,       // an approval matches its name and its target
  Impersonation,  // an approval matches its name, none matches its target
};

struct ApprovalResult {
  ApprovalVerdict verdict = ApprovalVerdict::Unknown;
  // The approval that matched (Approved), or one whose name was copied (Impersonation).
  const ApprovedWebhook* approval = nullptr;
};

// Checks the built-in approvals and `configured` together. A name pattern of
// only '*' approves by target alone and never makes another webhook an impersonation.
ApprovalResult check_approval(std::string_view webhook_name, const WebhookTarget& target,
                              std::span<const ApprovedWebhook> configured);

struct ApprovalError {
  doc::Mark mark;
  std::string message;  // starts with the field path, e.g. "approvedWebhooks[1].service.name: ..."
};

struct ParsedApprovals {
  std::vector<ApprovedWebhook> approvals;
  std::vector<ApprovalError> errors;
};

// Reads `approvedWebhooks:` from .kubeguard.yaml: a list of
// {name: <glob>, service: {namespace: <glob>, name: <glob>}} or {name: <glob>, url: <glob>}.
ParsedApprovals parse_webhook_approvals(const doc::Node& node, std::string_view field = "approvedWebhooks");

// '*' matches any run of characters (including none), '?' exactly one.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace kg::k8s
