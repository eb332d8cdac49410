// KG-AUD-018: an exec into a pod, then, within the window, a write made with
// the service account that pod runs as: the token was taken and used.
#include <fmt/format.h>

#include "audit/detections.h"

namespace kg::audit {
namespace {

bool is_sensitive_write(const Event& event) {
  if (!is_write_verb(event.verb)) return false;
  const auto& ref = event.object_ref;
  // status is the controllers'; exec, attach and port-forward open sessions
  // (an exec is the start of the incident, not the write that completes it).
  if (ref.subresource == "status" || ref.subresource == "exec" || ref.subresource == "attach" ||
      ref.subresource == "portforward" || ref.subresource == "proxy") {
    return false;
  }
  return writes_pods(event) || ref.resource == "mutatingwebhookconfigurations" ||
         ref.resource == "validatingwebhookconfigurations" || ref.resource == "roles" ||
         ref.resource == "clusterroles" || ref.resource == "rolebindings" || ref.resource == "clusterrolebindings" ||
         ref.resource == "secrets" || ref.resource == "serviceaccounts";
}

}  // namespace

void correlate(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out) {
  // Records older than the window are of no further use.
  while (!state.execs.empty() && event.time_us > 0 && state.execs.front().time_us > 0 &&
         event.time_us - state.execs.front().time_us > ctx.correlation_window_us) {
    state.execs.pop_front();
  }
  if (!event.is_service_account() || ctx.trusted(event) || event.denied() || !is_sensitive_write(event)) return;
  if (!event.succeeded()) return;  // a write that failed took nothing
  std::string_view sa_ns = event.service_account_namespace();
  std::string_view sa_name = event.service_account_name();
  for (auto& exec : state.execs) {
    if (exec.incident_raised || exec.name_space != sa_ns) continue;
    if (!exec.service_account.empty() && exec.service_account != sa_name) continue;
    // The write must come after the exec: another request, not earlier.
    if (!exec.audit_id.empty() && exec.audit_id == event.audit_id) continue;
    int64_t gap = event.time_us - exec.time_us;
    if (event.time_us > 0 && exec.time_us > 0 && (gap < 0 || gap > ctx.correlation_window_us)) continue;
    exec.incident_raised = true;
    // Without the pod's service account in the log the match is on the
    // namespace alone: strong, not proven.
    Alert alert = alert_for(
        event, rules::aud::AudRule::ExecThenServiceAccountWrite,
        exec.service_account.empty() ? "namespace-guess"_case : rules::CaseName(),
        fmt::format("{} exec'd into pod {}/{}, then service account {}/{} {} {} {}s later", exec.user, exec.name_space,
                    exec.pod, sa_ns, sa_name, event.verb, event.object_ref.display(), gap > 0 ? gap / 1'000'000 : 0));
    alert.add("execPod", exec.name_space + "/" + exec.pod);
    alert.add("execUser", exec.user);
    if (!exec.command.empty()) alert.add("execCommand", exec.command);
    alert.add("podServiceAccount", exec.service_account.empty()
                                       ? "not in the log: matched any service account of the namespace"
                                       : exec.service_account);
    alert.related_audit_ids = {exec.audit_id, event.audit_id};
    add_caller_notes(event, alert);
    out.push_back(std::move(alert));
  }
}

}  // namespace kg::audit
