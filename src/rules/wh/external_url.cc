#include <algorithm>
#include <cctype>

#include "rules/wh/wh_rules.h"

namespace kg::rules::wh {
namespace {

const RuleMeta kMeta{
    .id = "KG-WH-002",
    .slug = "webhook-external-url",
    .title = "Webhook calls a URL instead of an in-cluster service",
    .severity = Severity::High,
    .family = "WH",
    .kinds = {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"},
    .rationale =
        "With clientConfig.url the API server sends each matching AdmissionReview, which carries the whole "
        "object (pod specs, environment variables, for some webhooks Secrets), to whatever host the URL names. "
        "An IP address or a host outside the cluster's service domain (*.svc, *.svc.cluster.local) takes that "
        "data, and for a mutating webhook the power to rewrite it, outside the cluster, where neither RBAC, "
        "network policy nor an approval by service can follow. Even a cluster-local host in a URL bypasses the "
        "service reference that approvals and reviewers check.",
    .remediation =
        "Run the webhook in the cluster and reference it with clientConfig.service (namespace, name, path). "
        "If an external endpoint is intended, add it to approvedWebhooks in .kubeguard.yaml with its name and "
        "url.",
    .references = {kMaliciousAdmissionController, ref::kLeastPrivilege, kAttackEventTriggered,
                   ref::kAttackDeployContainer, kCisWebhookAccess},
};

// The host of an https URL: userinfo, port and path dropped; IPv6 keeps its brackets.
std::string_view host_of(std::string_view url) {
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  if (!url.empty() && url.front() == '[') return url.substr(0, url.find(']') + 1);
  return url.substr(0, url.find(':'));
}

bool is_ip_literal(std::string_view host) {
  if (!host.empty() && host.front() == '[') return true;
  return !host.empty() && std::count(host.begin(), host.end(), '.') == 3 &&
         std::all_of(host.begin(), host.end(),
                     [](char c) { return c == '.' || std::isdigit(static_cast<unsigned char>(c)); });
}

bool is_cluster_local(std::string_view host) {
  if (host.ends_with('.')) host.remove_suffix(1);
  return host.ends_with(".svc") || host.ends_with(".svc.cluster.local");
}

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& w : webhooks_of(ctx.object)) {
    if (w.target.url.empty()) continue;
    auto approval = k8s::check_approval(w.name, w.target, ctx.settings.approved_webhooks);
    if (approval.verdict == k8s::ApprovalVerdict::Approved) continue;
    std::string_view host = host_of(w.target.url);
    std::string where;
    if (is_ip_literal(host)) {
      where = fmt::format("the IP address {}, outside service discovery and possibly outside the cluster", host);
    } else if (!is_cluster_local(host)) {
      where = fmt::format(
          "the host {}, which is not a cluster service name (*.svc, *.svc.cluster.local) and "
          "may be outside the cluster",
          host);
    } else {
      where = fmt::format("the cluster-local host {} by URL, bypassing the service reference approvals check", host);
    }
    out.report(w.field("clientConfig.url"), w.client_config->get("url"),
               fmt::format("{} sends each matching admission request, with the whole object, to {} ({})", describe(w),
                           where, w.target.url));
  }
}

}  // namespace

void register_external_url(Catalog& catalog) { catalog.add_object_rule(kMeta, check); }

}  // namespace kg::rules::wh
