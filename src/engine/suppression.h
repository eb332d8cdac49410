// kubeguard.io/ignore annotations and configuration-level exclusions: findings
// they cover are kept, marked suppressed and counted, never silently dropped.
#pragma once

#include <string>
#include <vector>

#include "engine/config.h"
#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "rules/catalog.h"
#include "rules/finding.h"
#include "rules/inventory.h"

namespace kg::engine {

inline constexpr std::string_view kIgnoreAnnotation = "kubeguard.io/ignore";
inline constexpr std::string_view kIgnoreReasonAnnotation = "kubeguard.io/ignore-reason";

struct IgnoreList {
  std::vector<std::string> rules;  // IDs or slugs as written; "*" or "all" covers every rule
  std::string reason;

  bool covers(const rules::RuleMeta& meta) const;
};

// Reads the annotations of the object and of its pod template.
IgnoreList ignore_list_of(const k8s::Object& object, const k8s::PodSpecView* pod);

// Marks a finding suppressed when the ignore list or the configuration covers it,
// and applies severity overrides.
void apply_policy(rules::Finding& finding, const rules::RuleMeta& meta, const IgnoreList& ignore, const Config& config);

}  // namespace kg::engine
