#include "rules/wh/webhook.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "k8s/kinds.h"

namespace kg::rules::wh {

std::vector<Webhook> webhooks_of(const k8s::Object& object) {
  std::vector<Webhook> out;
  const auto& ref = object.ref;
  bool mutating = ref.kind == "MutatingWebhookConfiguration";
  if ((!mutating && ref.kind != "ValidatingWebhookConfiguration") || ref.group() != "admissionregistration.k8s.io") {
    return out;
  }
  const doc::Node* webhooks = object.root->get("webhooks");
  if (webhooks == nullptr) return out;
  size_t i = 0;
  for (const auto& node : webhooks->items()) {
    Webhook w;
    w.node = &node;
    w.path = fmt::format("webhooks[{}]", i++);
    w.name = k8s::string_at(&node, "name");
    w.mutating = mutating;
    w.v1beta1 = ref.api_version.ends_with("/v1beta1");
    w.client_config = node.get("clientConfig");
    w.target = k8s::webhook_target_of(w.client_config);
    out.push_back(std::move(w));
  }
  return out;
}

namespace {

bool lists(const doc::Node* list, std::string_view value) {
  if (list == nullptr) return false;
  return std::any_of(list->items().begin(), list->items().end(),
                     [&](const doc::Node& item) { return item.is_scalar() && item.str() == value; });
}

// "pods/ephemeralcontainers" (or a wildcard for it) adds containers to a
// running pod; other subresources (status, scale, ...) cannot.
bool resource_covers(std::string_view pattern, std::string_view resource) {
  auto slash = pattern.find('/');
  std::string_view base = pattern.substr(0, slash);
  if (base != "*" && base != resource) return false;
  if (slash == std::string_view::npos) return true;
  std::string_view sub = pattern.substr(slash + 1);
  if (base == "*" && sub == "*") return true;  // every resource and every subresource
  return resource == "pods" && (sub == "*" || sub == "ephemeralcontainers");
}

bool rule_matches_workloads(const doc::Node& rule) {
  const doc::Node* operations = rule.get("operations");
  if (!lists(operations, "CREATE") && !lists(operations, "UPDATE") && !lists(operations, "*")) return false;
  const doc::Node* groups = rule.get("apiGroups");
  const doc::Node* resources = rule.get("resources");
  if (groups == nullptr || resources == nullptr) return false;
  // Pods, and the kinds whose controllers create pods from a template, in
  // their group or the older group that served them (the table of kinds).
  auto covers = [&](std::string_view group, std::string_view resource) {
    if (!lists(groups, "*") && !lists(groups, group)) return false;
    return std::any_of(resources->items().begin(), resources->items().end(),
                       [&](const doc::Node& r) { return r.is_scalar() && resource_covers(r.str(), resource); });
  };
  return std::any_of(k8s::kinds().begin(), k8s::kinds().end(), [&](const k8s::KindInfo& kind) {
    if (!kind.runs_pods()) return false;
    return covers(kind.group(), kind.resource) ||
           (!kind.legacy_group.empty() && covers(kind.legacy_group, kind.resource));
  });
}

}  // namespace

bool matches_workloads(const Webhook& webhook) {
  const doc::Node* rules = webhook.node->get("rules");
  if (rules == nullptr) return false;
  return std::any_of(rules->items().begin(), rules->items().end(), rule_matches_workloads);
}

bool selector_restricts(const doc::Node* selector) {
  if (selector == nullptr || !selector->is_mapping()) return false;
  if (const doc::Node* labels = selector->get("matchLabels"); labels != nullptr && labels->size() > 0) return true;
  const doc::Node* expressions = selector->get("matchExpressions");
  if (expressions == nullptr) return false;
  for (const auto& e : expressions->items()) {
    std::string_view op = k8s::string_at(&e, "operator");
    std::string_view key = k8s::string_at(&e, "key");
    if (op == "In") return true;
    if (op == "Exists" && key != kNamespaceNameLabel) return true;
  }
  return false;
}

namespace {

constexpr std::array<std::string_view, 22> kSecurityWords{
    "policy",  "policies", "security",    "secure",      "gatekeeper", "kyverno",     "opa",       "kubewarden",
    "psp",     "psa",      "podsecurity", "sigstore",    "cosign",     "connaisseur", "kubeguard", "guard",
    "enforce", "enforcer", "compliance",  "imagepolicy", "neuvector",  "kubearmor",
};

bool has_security_word(std::string_view name) {
  std::string word;
  auto flush = [&word] {
    bool hit = std::find(kSecurityWords.begin(), kSecurityWords.end(), word) != kSecurityWords.end();
    word.clear();
    return hit;
  };
  for (char c : name) {
    if (c == '.' || c == '-' || c == '_' || c == '/') {
      if (flush()) return true;
    } else {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return flush();
}

}  // namespace

bool enforces_security(const k8s::Object& object, const Webhook& webhook) {
  if (webhook.mutating || !matches_workloads(webhook)) return false;
  return has_security_word(object.ref.name) || has_security_word(webhook.name) ||
         has_security_word(webhook.target.service_name);
}

std::string describe(const Webhook& webhook) {
  return fmt::format("{} webhook '{}'", webhook.mutating ? "mutating" : "validating", webhook.name);
}

}  // namespace kg::rules::wh
