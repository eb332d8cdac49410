#include "k8s/webhook_approval.h"

#include <fmt/format.h>

#include "k8s/object.h"

namespace kg::k8s {

std::string WebhookTarget::display() const {
  if (!url.empty()) return fmt::format("URL {}", url);
  if (has_service()) return fmt::format("service {}/{}", service_namespace, service_name);
  return "no target";
}

WebhookTarget webhook_target_of(const doc::Node* client_config) {
  WebhookTarget target;
  if (client_config == nullptr) return target;
  target.url = string_at(client_config, "url");
  const doc::Node* service = client_config->get("service");
  target.service_namespace = string_at(service, "namespace");
  target.service_name = string_at(service, "name");
  return target;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;  // position of the last '*' seen in the pattern
  size_t resume = 0;                     // where in the text that '*' resumes matching
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool ApprovedWebhook::matches_name(std::string_view webhook_name) const { return glob_match(name, webhook_name); }

bool ApprovedWebhook::matches_target(const WebhookTarget& target) const {
  if (!url.empty()) return !target.url.empty() && glob_match(url, target.url);
  return target.url.empty() && target.has_service() && glob_match(service_namespace, target.service_namespace) &&
         glob_match(service_name, target.service_name);
}

std::string ApprovedWebhook::expected_target() const {
  if (!url.empty()) return fmt::format("URL {}", url);
  return fmt::format("service {}/{}", service_namespace, service_name);
}

std::span<const ApprovedWebhook> builtin_webhook_approvals() {
  static const std::vector<ApprovedWebhook> approvals = [] {
    std::vector<ApprovedWebhook> out;
    auto add = [&out](std::string_view name, std::string_view ns, std::string_view service, std::string_view who) {
      out.push_back(ApprovedWebhook{std::string(name), std::string(ns), std::string(service), "",
                                    fmt::format("built-in ({})", who), true});
    };
    // istiod names its injector webhooks "[rev.](namespace|object).sidecar-injector.istio.io";
    // releases before 1.6 used "sidecar-injector.istio.io" and the istio-sidecar-injector service.
    for (std::string_view name : {"sidecar-injector.istio.io", "*.sidecar-injector.istio.io"}) {
      for (std::string_view service : {"istiod", "istiod-*", "istio-sidecar-injector"}) {
        add(name, "istio-system", service, "istio sidecar injector");
      }
    }
    // istiod's validating webhook ("[rev.]validation.istio.io"); istiod writes its caBundle too.
    for (std::string_view name : {"validation.istio.io", "*.validation.istio.io"}) {
      for (std::string_view service : {"istiod", "istiod-*"}) add(name, "istio-system", service, "istio validator");
    }
    add("linkerd-proxy-injector.linkerd.io", "linkerd", "linkerd-proxy-injector", "linkerd proxy injector");
    add("vault.hashicorp.com", "vault", "vault-agent-injector-svc", "vault agent injector");
    return out;
  }();
  return approvals;
}

namespace {

bool is_wildcard_only(std::string_view pattern) { return pattern.find_first_not_of('*') == std::string_view::npos; }

}  // namespace

ApprovalResult check_approval(std::string_view webhook_name, const WebhookTarget& target,
                              std::span<const ApprovedWebhook> configured) {
  ApprovalResult result;
  for (auto list : {builtin_webhook_approvals(), configured}) {
    for (const auto& approval : list) {
      if (!approval.matches_name(webhook_name)) continue;
      if (approval.matches_target(target)) return ApprovalResult{ApprovalVerdict::Approved, &approval};
      if (result.approval == nullptr && !is_wildcard_only(approval.name)) {
        result = ApprovalResult{ApprovalVerdict::Impersonation, &approval};
      }
    }
  }
  return result;
}

namespace {

class ApprovalReader {
 public:
  ApprovalReader(std::string_view field, ParsedApprovals& out) : field_(field), out_(out) {}

  void read(const doc::Node& node) {
    if (node.is_null()) return;
    if (!node.is_sequence()) {
      error(node,
            fmt::format("{}: expected a list of {{name, service: {{namespace, name}}}} or {{name, url}}", field_));
      return;
    }
    size_t i = 0;
    for (const auto& item : node.items()) read_item(item, fmt::format("{}[{}]", field_, i++));
  }

 private:
  void error(const doc::Node& at, std::string message) { out_.errors.push_back({at.mark(), std::move(message)}); }

  // A non-empty string scalar, or an error naming the field.
  bool text(const doc::Node& value, const std::string& path, std::string& into) {
    if (!value.is_scalar() || value.is_null() || value.str().empty()) {
      error(value, fmt::format("{}: expected a non-empty string", path));
      return false;
    }
    into = std::string(value.str());
    return true;
  }

  void read_service(const doc::Node& value, const std::string& path, ApprovedWebhook& approval, bool& ok) {
    if (!value.is_mapping()) {
      error(value, fmt::format("{}: expected a mapping with namespace and name", path));
      ok = false;
      return;
    }
    bool has_namespace = false;
    bool has_name = false;
    for (const auto& e : value.entries()) {
      std::string sub = fmt::format("{}.{}", path, e.key);
      if (e.key == "namespace") {
        has_namespace = true;
        ok &= text(e.value, sub, approval.service_namespace);
      } else if (e.key == "name") {
        has_name = true;
        ok &= text(e.value, sub, approval.service_name);
      } else {
        out_.errors.push_back({e.key_mark, fmt::format("{}: unknown field (known: namespace, name)", sub)});
        ok = false;
      }
    }
    if (!has_namespace || !has_name) {
      error(value, fmt::format("{}: needs both namespace and name", path));
      ok = false;
    }
  }

  void read_item(const doc::Node& item, const std::string& path) {
    if (!item.is_mapping()) {
      error(item, fmt::format("{}: expected a mapping", path));
      return;
    }
    ApprovedWebhook approval;
    approval.origin = fmt::format("{} in the configuration (line {})", path, item.mark().line);
    bool ok = true;
    bool has_service = false;
    for (const auto& e : item.entries()) {
      std::string sub = fmt::format("{}.{}", path, e.key);
      if (e.key == "name") {
        ok &= text(e.value, sub, approval.name);
      } else if (e.key == "url") {
        ok &= text(e.value, sub, approval.url);
      } else if (e.key == "service") {
        has_service = true;
        read_service(e.value, sub, approval, ok);
      } else {
        out_.errors.push_back({e.key_mark, fmt::format("{}: unknown field (known: name, service, url)", sub)});
        ok = false;
      }
    }
    if (!ok) return;
    if (approval.name.empty()) {
      error(item, fmt::format("{}.name: required (a glob over the webhook's name)", path));
    } else if (has_service == !approval.url.empty()) {
      error(item, fmt::format("{}: set exactly one of service and url", path));
    } else {
      out_.approvals.push_back(std::move(approval));
    }
  }

  std::string_view field_;
  ParsedApprovals& out_;
};

}  // namespace

ParsedApprovals parse_webhook_approvals(const doc::Node& node, std::string_view field) {
  ParsedApprovals out;
  ApprovalReader(field, out).read(node);
  return out;
}

}  // namespace kg::k8s
