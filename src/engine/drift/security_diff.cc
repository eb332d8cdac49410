#include "engine/drift/security_diff.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kg::engine::drift {
namespace {

struct DefaultValue {
  std::string_view field;
  std::string_view value;
};

// What leaving a field out means, so that writing the default is no change.
// allowPrivilegeEscalation left out allows escalation.
constexpr std::array<DefaultValue, 13> kDefaults = {{
    {"privileged", "false"},
    {"readOnlyRootFilesystem", "false"},
    {"runAsNonRoot", "false"},
    {"allowPrivilegeEscalation", "true"},
    {"procMount", "Default"},
    {"windowsOptions.hostProcess", "false"},
    {"hostNetwork", "false"},
    {"hostPID", "false"},
    {"hostIPC", "false"},
    {"shareProcessNamespace", "false"},
    {"hostUsers", "true"},
    {"automountServiceAccountToken", "true"},
    {"serviceAccountName", "default"},
}};

bool is_security_default(std::string_view path, std::string_view value) {
  if (path.starts_with("securityContext.")) path.remove_prefix(std::string_view("securityContext.").size());
  return std::any_of(kDefaults.begin(), kDefaults.end(),
                     [&](const DefaultValue& d) { return d.field == path && d.value == value; });
}

std::string_view text_of(const FlatValue* v) { return v == nullptr ? std::string_view() : std::string_view(v->text); }

bool gains_items(const FlatValue* before, const FlatValue* after) {
  if (after == nullptr) return false;
  for (const auto& item : after->items) {
    if (before == nullptr || !std::binary_search(before->items.begin(), before->items.end(), item)) return true;
  }
  return false;
}

bool contains(const FlatValue* v, std::string_view item) {
  if (v == nullptr) return false;
  if (!v->is_set) return v->text == item;
  return std::find(v->items.begin(), v->items.end(), item) != v->items.end();
}

// Pod-level fields that matter besides securityContext.
constexpr std::array<std::string_view, 7> kPodFields = {
    "hostNetwork",       "hostPID", "hostIPC", "hostUsers", "shareProcessNamespace", "automountServiceAccountToken",
    "serviceAccountName"};

FlatMap pod_security(const k8s::PodSpecView& pod) {
  FlatMap out;
  flatten(pod.spec->get("securityContext"), "securityContext", is_security_default, out);
  for (auto field : kPodFields) flatten(pod.spec->get(field), field, is_security_default, out);
  return out;
}

void report(const std::vector<FlatChange>& changes, std::string_view what, std::string path, const doc::Node* at,
            std::string_view note, const k8s::ContainerView* container, DriftEmitter& out) {
  if (changes.empty()) return;
  // The finding takes the worst change's case.
  const rules::GradedRule graded = rules::drift::graded(DriftRule::SecurityContextChanged);
  rules::CaseName worst = "not-weakened"_case;
  std::vector<std::string> parts;
  for (const auto& c : changes) {
    rules::CaseName rated = rate_security_change(c);
    if (graded.severity_of(rated) > graded.severity_of(worst)) worst = rated;
    parts.push_back(describe(c));
  }
  out.report(DriftRule::SecurityContextChanged, worst, std::move(path), at,
             fmt::format("{} changed{}: {}", what, note, fmt::join(parts, "; ")), container);
}

}  // namespace

rules::CaseName rate_security_change(const FlatChange& change) {
  std::string_view key = change.key;
  if (key.starts_with("securityContext.")) key.remove_prefix(std::string_view("securityContext.").size());
  std::string_view before = text_of(change.before);
  std::string_view after = text_of(change.after);
  auto opens = [](bool yes) { return yes ? rules::CaseName() : "not-weakened"_case; };
  if (key == "privileged" || key == "hostNetwork" || key == "hostPID" || key == "hostIPC" ||
      key == "shareProcessNamespace" || key == "windowsOptions.hostProcess") {
    return opens(after == "true");
  }
  if (key == "hostUsers") return opens(after == "false");
  if (key == "allowPrivilegeEscalation" || key == "runAsNonRoot" || key == "readOnlyRootFilesystem") {
    // The safe value is false for the first and true for the others; losing it opens.
    std::string_view safe = key == "allowPrivilegeEscalation" ? "false" : "true";
    return opens(before == safe && after != safe);
  }
  if (key == "runAsUser" || key == "runAsGroup") {
    return opens(after == "0" || (!before.empty() && before != "0" && after.empty()));
  }
  if (key == "fsGroup" || key == "supplementalGroups")
    return opens(contains(change.after, "0") && !contains(change.before, "0"));
  if (key == "capabilities.add") return opens(gains_items(change.before, change.after));
  if (key == "capabilities.drop") return opens(gains_items(change.after, change.before));
  if (key == "seccompProfile.type" || key == "appArmorProfile.type") {
    return opens(after == "Unconfined" || (!before.empty() && before != "Unconfined" && after.empty()));
  }
  if (key == "seLinuxOptions.type") return opens(after == "spc_t" || after == "unconfined_t");
  if (key == "procMount") return opens(after == "Unmasked");
  if (key.starts_with("sysctls[")) return opens(change.after != nullptr);
  if (key == "automountServiceAccountToken")
    return before == "false" && after != "false" ? "service-account"_case : "not-weakened"_case;
  if (key == "serviceAccountName") return "service-account"_case;
  return "not-weakened"_case;
}

void diff_container_security(const k8s::ContainerView& baseline, const k8s::ContainerView& live, std::string_view note,
                             DriftEmitter& out) {
  FlatMap before;
  FlatMap after;
  flatten(baseline.node->get("securityContext"), "", is_security_default, before);
  flatten(live.node->get("securityContext"), "", is_security_default, after);
  const doc::Node* at = live.node->get("securityContext");
  std::string path = at != nullptr ? live.path + ".securityContext" : live.path;
  report(compare(before, after), fmt::format("securityContext of container '{}'", live.name), std::move(path),
         at != nullptr ? at : live.node, note, &live, out);
}

void diff_pod_security(const k8s::PodSpecView& baseline, const k8s::PodSpecView& live, std::string_view note,
                       DriftEmitter& out) {
  // The changes point into both maps, so they must outlive `changes`.
  const FlatMap baseline_fields = pod_security(baseline);
  const FlatMap live_fields = pod_security(live);
  std::vector<FlatChange> changes = compare(baseline_fields, live_fields);
  if (changes.empty()) return;
  // Point at the first field that changed, or at the pod spec when the live side left it out.
  std::string_view field = changes.front().key;
  field = field.substr(0, field.find('.'));
  const doc::Node* at = live.spec->get(field);
  std::string path = at != nullptr ? live.field_path(field) : live.path;
  report(changes, "pod security settings", std::move(path), at != nullptr ? at : live.spec, note, nullptr, out);
}

}  // namespace kg::engine::drift
