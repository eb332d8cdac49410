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
void detect_risky_pod(const Event& event, const doc::Node& object, const DetectContext& ctx, std::vector<Alert>& out);
// Scan rules KG-AUD-017 leaves out: they report a hardening setting left at
// its default (nearly every pod), not host access or privilege asked for.
bool reports_an_omission(std::string_view rule_id);
// KG-AUD-006: pods/ephemeralcontainers (workload_writes.cc).
void detect_ephemeral(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out);
// KG-AUD-007: pods/exec and pods/attach (exec.cc).
void detect_exec(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out);
// KG-AUD-009: admission webhook configurations (webhooks.cc).
void detect_webhooks(const Event& event, const DetectContext& ctx, std::vector<Alert>& out);
// KG-AUD-010..016: RBAC, impersonation, tokens, secrets, anonymous (access.cc).
void detect_access(const Event& event, const DetectContext& ctx, std::vector<Alert>& out);
// KG-AUD-018: a write by the service account of a pod someone exec'd into (correlation.cc).
void correlate(const Event& event, const DetectContext& ctx, DetectorState& state, std::vector<Alert>& out);

}  // namespace kg::audit
