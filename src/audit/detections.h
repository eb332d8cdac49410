// The detections, one function per concern; each reads one event (and the
// bounded state) and appends alerts. Called by the Detector under its lock.
#pragma once

#include <vector>

#include "audit/alert.h"
#include "audit/detect_context.h"
#include "audit/event.h"

namespace kg::audit {

// KG-AUD-001..005, 008, 019: pod and workload writes (workload_writes.cc).
void detect_pod_writes(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out);
// KG-AUD-017: the scan catalog over an admitted pod or workload (pod_admission.cc).
// `created_by` names the controller and owner when a controller made the pod.
void detect_risky_pod(const Event& event, const doc::Node& object, const DetectContext& ctx, std::vector<Alert>& out,
                      std::string_view created_by = {});
// Scan findings KG-AUD-017 leaves out: a hardening setting left at its
// default (nearly every pod has one), not host access or privilege asked
// for. An explicit runAsUser: 0, runAsNonRoot: false or
// allowPrivilegeEscalation: true is asked for, and is kept.
bool reports_an_omission(const rules::Finding& finding);
// KG-AUD-006: pods/ephemeralcontainers (workload_writes.cc).
void detect_ephemeral(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out);
// KG-AUD-007: pods/exec and pods/attach (exec.cc).
void detect_exec(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out);
// KG-AUD-009: admission webhook configurations (webhooks.cc).
void detect_webhooks(const Event& event, const DetectContext& ctx, std::vector<Alert>& out);
// KG-AUD-010..016, 020..023: RBAC by content, impersonation, tokens, secrets, anonymous (access.cc, rbac.cc).
void detect_access(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out);
// KG-AUD-010..012, 020..022: roles and bindings judged by what they grant (rbac.cc).
void detect_rbac(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out);
// KG-AUD-024: client certificates for privileged identities, requested and approved (certificates.cc).
void detect_certificates(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out);
// KG-AUD-018: a write by the service account of a pod someone exec'd into (correlation.cc).
void correlate(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out);

}  // namespace kg::audit
