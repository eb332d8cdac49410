// KG-AUD-017: the object a user created or replaced, judged by the same
// catalog as `kubeguard scan` (engine::evaluate_object), so a privileged pod
// gets the same verdict from a manifest, the cluster and the audit log.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "audit/detections.h"
#include "engine/scanner.h"

namespace kg::audit {

// Scan rules that report a hardening setting left at its default rather than
// host access or privilege asked for: nearly every pod created without a
// securityContext has them, so in a stream of events they would bury the
// requests that matter. `kubeguard scan` still reports them on manifests.
bool reports_an_omission(std::string_view rule_id) {
  return rule_id == "KG-POD-002" /* privilege-escalation-allowed */ || rule_id == "KG-POD-003" /* runs-as-root */;
}

void detect_risky_pod(const Event& event, const doc::Node& object, const DetectContext& ctx, std::vector<Alert>& out) {
  const std::string_view kind = kind_of_resource(event.object_ref.resource);
  k8s::Object view;
  view.ref.api_version = std::string(k8s::string_at(&object, "apiVersion"));
  view.ref.kind = std::string(kind);
  view.ref.name_space = event.object_ref.name_space;
  view.ref.name = event.object_ref.name;
  if (view.ref.name.empty()) view.ref.name = std::string(k8s::string_at(object.get("metadata"), "name"));
  view.root = &object;
  std::vector<rules::Finding> findings;
  engine::evaluate_object(view, ctx.catalog, ctx.config, findings, nullptr);
  std::vector<const rules::Finding*> serious;
  rules::Severity worst = rules::Severity::Info;
  for (const auto& f : findings) {
    if (f.suppressed || f.severity < rules::Severity::High || reports_an_omission(f.rule_id)) continue;
    // What an approved injector needs (istio-init's NET_ADMIN...) is the
    // injector's, approved with it: not an alert on the workload.
    if (f.container_role == k8s::role_name(k8s::ContainerRole::InjectedSidecar)) continue;
    serious.push_back(&f);
    worst = std::max(worst, f.severity);
  }
  if (serious.empty()) return;
  std::vector<std::string> ids;
  for (const auto* f : serious) {
    if (std::find(ids.begin(), ids.end(), f->rule_id) == ids.end()) ids.push_back(f->rule_id);
  }
  Alert alert = alert_for(event, rule_id(rules::aud::AudRule::RiskyPodAdmitted), worst,
                          fmt::format("{} {} admitted with {} scan finding(s) of high severity or above: {}",
                                      event.verb, event.object_ref.display(), serious.size(), fmt::join(ids, ", ")));
  constexpr size_t kMaxListed = 8;
  for (size_t i = 0; i < serious.size() && i < kMaxListed; ++i) {
    const auto* f = serious[i];
    alert.add(f->rule_id, fmt::format("{}{}: {}", f->container.empty() ? "" : f->container + " ", f->path, f->message));
  }
  add_caller_notes(event, alert);
  out.push_back(std::move(alert));
}

}  // namespace kg::audit
