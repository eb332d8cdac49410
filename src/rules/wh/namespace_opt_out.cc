#include "rules/wh/wh_rules.h"

namespace kg::rules::wh {
namespace {

const RuleMeta kMeta{
    .id = "KG-WH-006",
    .slug = "webhook-namespace-opt-out",
    .title = "Namespace label switches a security webhook off",
    .severity = Severity::Medium,
    .family = "WH",
    .kinds = {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"},
    .rationale =
        "A namespaceSelector decides by namespace labels where a webhook runs. Whoever can label a namespace "
        "can add a label a NotIn or DoesNotExist expression excludes, or remove one that matchLabels, In or "
        "Exists requires, and the webhook no longer sees that namespace: validation, policy or injection is "
        "switched off without touching the webhook. Only kubernetes.io/metadata.name is safe to select on: "
        "the API server sets it to the namespace's name and nobody can change or remove it. Applies to "
        "validating webhooks and to any webhook that receives pods or workload kinds.",
    .remediation =
        "Select namespaces with kubernetes.io/metadata.name (for example NotIn [kube-system]) instead of a "
        "label namespace owners control, or restrict who may patch namespaces (RBAC on namespaces, or a "
        "policy that protects the label).",
    .references = {kMaliciousAdmissionController, ref::kLeastPrivilege, kAttackImpairDefenses, kCisPolicyControl},
};

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& w : webhooks_of(ctx.object)) {
    if (w.mutating && !matches_workloads(w)) continue;
    const doc::Node* selector = w.node->get("namespaceSelector");
    if (selector == nullptr) continue;
    std::string selector_path = w.field("namespaceSelector");
    if (const doc::Node* labels = selector->get("matchLabels")) {
      for (const auto& e : labels->entries()) {
        if (e.key == kNamespaceNameLabel) continue;
        out.report(fmt::format("{}.matchLabels.{}", selector_path, e.key), &e.value,
                   fmt::format("{} covers only namespaces labelled {}={} (matchLabels): removing label '{}' from a "
                               "namespace switches it off there",
                               describe(w), e.key, e.value.str(), e.key));
      }
    }
    const doc::Node* expressions = selector->get("matchExpressions");
    if (expressions == nullptr) continue;
    size_t i = 0;
    for (const auto& e : expressions->items()) {
      std::string path = fmt::format("{}.matchExpressions[{}]", selector_path, i++);
      std::string_view key = k8s::string_at(&e, "key");
      std::string_view op = k8s::string_at(&e, "operator");
      if (key.empty() || key == kNamespaceNameLabel) continue;
      std::string values;
      if (const doc::Node* list = e.get("values")) {
        for (const auto& v : list->items()) values += (values.empty() ? "" : ", ") + std::string(v.str());
      }
      std::string how;
      if (op == "NotIn") {
        how = fmt::format("skips namespaces whose label '{}' is one of [{}]: setting it", key, values);
      } else if (op == "DoesNotExist") {
        how = fmt::format("skips namespaces that carry label '{}': adding it", key);
      } else if (op == "In") {
        how =
            fmt::format("covers only namespaces whose label '{}' is one of [{}]: removing or changing it", key, values);
      } else if (op == "Exists") {
        how = fmt::format("covers only namespaces that carry label '{}': removing it", key);
      } else {
        continue;
      }
      out.report(path, &e, fmt::format("{} {} on a namespace switches the webhook off there", describe(w), how));
    }
  }
}

}  // namespace

void register_namespace_opt_out(Catalog& catalog) { catalog.add_object_rule(kMeta, check); }

}  // namespace kg::rules::wh
