// The object a user created or replaced, judged by the same catalog as
// `kubeguard scan` (an engine::Session), so a pod gets the same verdict from
// a manifest, the cluster, an admission review and the audit log: every scan
// finding is reported on the event under its own rule, and KG-AUD-017 sums
// up those of high severity or above.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "audit/detections.h"
#include "engine/session.h"

namespace kg::audit {

// Scan rules that report a hardening setting left at its default rather than
// host access or privilege asked for: nearly every pod created without a
// securityContext has them, so in a stream of events they would bury the
// requests that matter. `kubeguard scan` still reports them on manifests.
bool reports_an_omission(const rules::Finding& finding) {
  if (finding.rule_id != "KG-POD-002" /* privilege-escalation-allowed */ &&
      finding.rule_id != "KG-POD-003" /* runs-as-root */) {
    return false;
  }
  // The rules point at the field when it is set (runAsUser: 0, runAsNonRoot:
  // false, allowPrivilegeEscalation: true), at the securityContext or the
  // container when it is not.
  std::string_view path = finding.path;
  return !path.ends_with(".runAsUser") && !path.ends_with(".runAsNonRoot") &&
         !path.ends_with(".allowPrivilegeEscalation");
}

void detect_risky_pod(const Event& event, const doc::Node& object, const DetectContext& ctx, std::vector<Alert>& out,
                      std::string_view created_by) {
  const std::string_view kind = kind_of(event.object_ref);
  k8s::Object view;
  view.ref.api_version = std::string(k8s::string_at(&object, "apiVersion"));
  view.ref.kind = std::string(kind);
  view.ref.name_space = event.object_ref.name_space;
  view.ref.name = event.object_ref.name;
  if (view.ref.name.empty()) view.ref.name = std::string(k8s::string_at(object.get("metadata"), "name"));
  view.root = &object;
  std::vector<rules::Finding> findings;
  engine::Session session(ctx.catalog, ctx.config, engine::Session::Facts::Never);
  session.add(view, findings);
  std::vector<const rules::Finding*> serious;
  rules::Severity worst = rules::Severity::Info;
  for (const auto& f : findings) {
    // What an approved injector needs (istio-init's NET_ADMIN...) is the
    // injector's, approved with it: not an alert on the workload.
    const bool injectors = f.container_role == k8s::role_name(k8s::ContainerRole::InjectedSidecar);
    const bool omission = reports_an_omission(f);
    Alert finding = alert_for(event, f.rule_id, f.severity, f.message);
    finding.container = f.container;
    finding.container_role = f.container_role;
    finding.path = f.path;
    finding.suppressed = f.suppressed;
    finding.suppression = f.suppression;
    if (f.suppressed && f.suppression.starts_with("annotation") && event.verb != "create") {
      // As in admission: an annotation cannot excuse what a write changes.
      finding.suppressed = false;
      finding.suppression.clear();
      finding.message += " (kubeguard.io/ignore does not cover what an update changes)";
    }
    if ((omission || injectors) && f.severity > rules::Severity::Info) {
      // Reported, as scan reports it, but not raised as an alert in a stream
      // of events: nearly every pod created without a securityContext has
      // these, and they would bury the requests that matter.
      finding.severity = rules::Severity::Info;
      finding.add("note", fmt::format("{} in a scan; info here: {}", rules::severity_name(f.severity),
                                      injectors ? "what an approved injector needs" : "a default left unset"));
    }
    if (!created_by.empty()) finding.add("createdBy", std::string(created_by));
    out.push_back(std::move(finding));
    if (finding.suppressed || f.severity < rules::Severity::High || omission || injectors) continue;
    serious.push_back(&f);
    worst = std::max(worst, f.severity);
  }
  if (serious.empty()) return;
  std::vector<std::string> ids;
  for (const auto* f : serious) {
    if (std::find(ids.begin(), ids.end(), f->rule_id) == ids.end()) ids.push_back(f->rule_id);
  }
  Alert alert = alert_for(event, rules::aud::AudRule::RiskyPodAdmitted,
                          worst >= rules::Severity::Critical ? "critical-finding"_case : rules::CaseName(),
                          fmt::format("{} {} admitted with {} scan finding(s) of high severity or above: {}",
                                      event.verb, event.object_ref.display(), serious.size(), fmt::join(ids, ", ")));
  if (!created_by.empty()) alert.add("createdBy", std::string(created_by));
  constexpr size_t kMaxListed = 8;
  for (size_t i = 0; i < serious.size() && i < kMaxListed; ++i) {
    const auto* f = serious[i];
    alert.add(f->rule_id, fmt::format("{}{}: {}", f->container.empty() ? "" : f->container + " ", f->path, f->message));
  }
  add_caller_notes(event, alert);
  out.push_back(std::move(alert));
}

}  // namespace kg::audit
