// Label selectors (matchLabels and matchExpressions) as the API server applies them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "doc/node.h"

namespace kg::k8s {

using Labels = std::map<std::string, std::string, std::less<>>;

struct SelectorRequirement {
  std::string key;
  std::string op;  // In, NotIn, Exists, DoesNotExist
  std::vector<std::string> values;
};

struct LabelSelector {
  Labels match_labels;
  std::vector<SelectorRequirement> match_expressions;

  bool empty() const { return match_labels.empty() && match_expressions.empty(); }
  bool matches(const Labels& labels) const;
};

LabelSelector parse_selector(const doc::Node* node);
Labels parse_labels(const doc::Node* node);

}  // namespace kg::k8s
