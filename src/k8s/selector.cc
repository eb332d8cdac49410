#include "k8s/selector.h"

#include <algorithm>

namespace kg::k8s {

bool LabelSelector::matches(const Labels& labels) const {
  for (const auto& [key, value] : match_labels) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  for (const auto& req : match_expressions) {
    auto it = labels.find(req.key);
    bool present = it != labels.end();
    bool listed = present && std::find(req.values.begin(), req.values.end(), it->second) != req.values.end();
    if (req.op == "In" && !listed) return false;
    if (req.op == "NotIn" && listed) return false;
    if (req.op == "Exists" && !present) return false;
    if (req.op == "DoesNotExist" && present) return false;
  }
  return true;
}

Labels parse_labels(const doc::Node* node) {
  Labels labels;
  if (node == nullptr) return labels;
  for (const auto& e : node->entries()) {
    if (e.value.is_scalar()) labels[e.key] = std::string(e.value.str());
  }
  return labels;
}

LabelSelector parse_selector(const doc::Node* node) {
  LabelSelector selector;
  if (node == nullptr) return selector;
  selector.match_labels = parse_labels(node->get("matchLabels"));
  if (const doc::Node* exprs = node->get("matchExpressions")) {
    for (const auto& e : exprs->items()) {
      SelectorRequirement req;
      req.key = e.get("key") ? std::string(e.get("key")->str()) : std::string();
      req.op = e.get("operator") ? std::string(e.get("operator")->str()) : std::string();
      if (const doc::Node* values = e.get("values")) {
        for (const auto& v : values->items()) req.values.emplace_back(v.str());
      }
      selector.match_expressions.push_back(std::move(req));
    }
  }
  return selector;
}

}  // namespace kg::k8s
