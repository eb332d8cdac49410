#include "engine/suppression.h"

#include <algorithm>

#include <fmt/format.h>

namespace kg::engine {
namespace {

void split_ids(std::string_view text, std::vector<std::string>& out) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view part = text.substr(start, comma - start);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    start = comma + 1;
  }
}

}  // namespace

// Called for every finding, so a long list is searched, not walked: the
// annotation is written by whoever writes the object, and may list thousands
// of entries. ignore_list_of() keeps `rules` sorted and unique (and the
// inventory's copies of it); a short list written by hand is walked.
bool IgnoreList::covers(const rules::RuleMeta& meta) const {
  if (rules.size() <= 8) {
    return std::any_of(rules.begin(), rules.end(),
                       [&](const std::string& r) { return r == "*" || r == "all" || r == meta.id || r == meta.slug; });
  }
  auto has = [&](std::string_view id) { return std::binary_search(rules.begin(), rules.end(), id, std::less<>()); };
  return has("*") || has("all") || has(meta.id) || has(meta.slug);
}

IgnoreList ignore_list_of(const k8s::Object& object, const k8s::PodSpecView* pod) {
  IgnoreList list;
  split_ids(object.annotation(kIgnoreAnnotation), list.rules);
  list.reason = std::string(object.annotation(kIgnoreReasonAnnotation));
  if (pod != nullptr && pod->metadata != nullptr && pod->metadata != object.metadata()) {
    split_ids(pod->pod_annotation(kIgnoreAnnotation), list.rules);
    if (list.reason.empty()) list.reason = std::string(pod->pod_annotation(kIgnoreReasonAnnotation));
  }
  std::sort(list.rules.begin(), list.rules.end());
  list.rules.erase(std::unique(list.rules.begin(), list.rules.end()), list.rules.end());
  return list;
}

void apply_policy(rules::Finding& finding, const rules::RuleMeta& meta, const IgnoreList& ignore,
                  const Config& config) {
  if (auto it = config.severity_overrides.find(finding.rule_id); it != config.severity_overrides.end()) {
    finding.severity = it->second;
  }
  if (ignore.covers(meta)) {
    finding.suppressed = true;
    finding.suppression =
        ignore.reason.empty() ? std::string("annotation") : fmt::format("annotation: {}", ignore.reason);
  } else if (!finding.object.name_space.empty() && config.namespace_excluded(finding.object.name_space)) {
    finding.suppressed = true;
    finding.suppression = fmt::format("config: namespace {} excluded", finding.object.name_space);
  }
}

}  // namespace kg::engine
