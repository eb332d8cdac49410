#include "admission/decision.h"

#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "admission/update_diff.h"
#include "engine/drift/rbac_change.h"
#include "engine/scanner.h"
#include "engine/session.h"
#include "engine/suppression.h"
#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "rules/fingerprint.h"

namespace kg::admission {
namespace {

// Denial messages and warnings stay readable in kubectl's output; the API
// server truncates long warnings anyway.
constexpr size_t kMessageFindings = 8;
constexpr size_t kMaxWarnings = 20;
constexpr size_t kMaxWarningLength = 256;
constexpr size_t kMaxAnnotationLength = 2000;

std::optional<k8s::Object> object_of(const doc::Document& document, const AdmissionRequest& request) {
  k8s::Extraction extraction;
  k8s::extract_objects(document, extraction);
  if (extraction.objects.size() != 1) return std::nullopt;
  k8s::Object object = std::move(extraction.objects.front());
  // The API server names the namespace in the request; a pod created from a
  // template (generateName) has no name yet.
  if (object.ref.name_space.empty()) object.ref.name_space = request.name_space;
  if (object.ref.name.empty()) object.ref.name = request.name;
  if (object.ref.name.empty()) {
    std::string_view generate = k8s::string_at(object.metadata(), "generateName");
    if (!generate.empty()) object.ref.name = std::string(generate) + "*";
  }
  return object;
}

// Roles and bindings meet the RBAC rules, which read roles and bindings
// together: here over an input that holds this object alone, as `kubeguard
// scan` judges a file that holds only it. A binding to a built-in role is
// judged by that role's content (the defaults); a role is judged by its own
// rules. A ClusterRole with an aggregationRule is left out: its rules are
// filled in by the aggregation controller from roles judged when they were
// written, and refusing that controller's update would stop aggregation.
bool judged_with_rbac_rules(const k8s::Object& object) {
  const std::string& kind = object.ref.kind;
  if (!object.ref.api_version.starts_with("rbac.authorization.k8s.io/")) return false;
  if (kind == "ClusterRole") {
    const doc::Node* aggregation = object.root->get("aggregationRule");
    return aggregation == nullptr || aggregation->is_null();
  }
  return kind == "Role" || kind == "RoleBinding" || kind == "ClusterRoleBinding";
}

std::vector<rules::Finding> catalog_findings(const k8s::Object& object, const rules::Catalog& catalog,
                                             const engine::Config& config, const engine::StopCheck& stop,
                                             bool& complete) {
  std::vector<rules::Finding> out;
  // Other inventory rules (network policy coverage, ...) need the whole
  // cluster, so they are left to scan and cluster scan.
  const bool rbac = judged_with_rbac_rules(object);
  engine::Session session(catalog, config, rbac ? engine::Session::Facts::Auto : engine::Session::Facts::Never);
  if (!session.add(object, out, stop)) complete = false;
  if (rbac && complete && !(stop && stop())) {
    session.finish([&](std::span<const rules::Finding> batch) {
      for (const auto& f : batch) {
        if (f.object.kind == object.ref.kind && f.object.name == object.ref.name) out.push_back(f);
      }
    });
  }
  return out;
}

// What names a finding on both sides of an UPDATE. The RBAC rules report
// every grant of a binding or role on the object itself and tell the grants
// apart in the message: a subject added to a cluster-admin binding is a new
// grant on the same field.
std::string update_key(const rules::Finding& f) {
  std::string key = rules::field_key(f);
  if (f.rule_id.starts_with("KG-RBAC-")) key += "|" + f.message;
  return key;
}

std::string one_line(const rules::Finding& f) {
  return f.path.empty() ? fmt::format("[{}] {}", f.rule_id, f.message)
                        : fmt::format("[{}] {}: {}", f.rule_id, f.path, f.message);
}

std::string clip(std::string text, size_t limit) {
  if (text.size() <= limit) return text;
  text.resize(limit - 3);
  return text + "...";
}

std::string denial_message(const std::vector<rules::Finding>& findings, const AdmissionRequest& request,
                           rules::Severity threshold) {
  std::string what = findings.front().object.display();
  std::string text = fmt::format("kubeguard: {} {} has {} finding{} at or above {}: ", request.operation, what,
                                 findings.size(), findings.size() == 1 ? "" : "s", rules::severity_name(threshold));
  for (size_t i = 0; i < findings.size() && i < kMessageFindings; ++i) {
    if (i > 0) text += "; ";
    text += one_line(findings[i]);
  }
  if (findings.size() > kMessageFindings) text += fmt::format("; and {} more", findings.size() - kMessageFindings);
  return text;
}

// What the update changes, on top of the object's own findings (see
// evaluate_request); `complete` turns false when `stop` ends the work.
std::vector<rules::Finding> request_findings(const AdmissionRequest& request, const rules::Catalog& catalog,
                                             const engine::Config& config, std::optional<rules::Severity> counting_from,
                                             const engine::StopCheck& stop, bool& complete) {
  if (!request.object) return {};
  std::optional<k8s::Object> object = object_of(*request.object, request);
  if (!object) return {};
  std::vector<rules::Finding> findings = catalog_findings(*object, catalog, config, stop, complete);
  if (!complete || request.operation != "UPDATE" || !request.old_object) return findings;
  std::optional<k8s::Object> old_object = object_of(*request.old_object, request);
  if (!old_object) return findings;

  // What the old object already had is not this update's doing: a label
  // change on a pod admitted before kubeguard ran must still go through.
  // Annotation-suppressed findings may count below, so they are candidates too.
  bool could_count = !counting_from || std::any_of(findings.begin(), findings.end(), [&](const rules::Finding& f) {
    return f.severity >= *counting_from && (!f.suppressed || f.suppression.starts_with("annotation"));
  });
  if (could_count) {
    std::vector<rules::Finding> before = catalog_findings(*old_object, catalog, config, stop, complete);
    if (!complete) return findings;
    std::set<std::string> existing;
    for (const auto& f : before) existing.insert(update_key(f));
    std::erase_if(findings, [&](const rules::Finding& f) { return existing.contains(update_key(f)); });
  }

  if (stop && stop()) {
    complete = false;
    return findings;
  }
  diff_update(*old_object, *object, config, findings);
  // A change by hand to one of Kubernetes' own roles or bindings. The API
  // server's own reconciliation of them (after an upgrade) is not by hand.
  if (object->ref.api_version.starts_with("rbac.authorization.k8s.io/") && request.username != "system:apiserver") {
    engine::drift::rbac_changed(*old_object, *object, config, findings);
  }
  // What is left is what this update introduces. A kubeguard.io/ignore
  // annotation cannot excuse it: whoever may patch the workload writes the
  // annotation too, in this update or in the one before.
  for (auto& f : findings) {
    if (f.suppressed && f.suppression.starts_with("annotation")) {
      f.suppressed = false;
      f.suppression.clear();
      f.message += " (kubeguard.io/ignore does not cover what an update changes)";
    }
  }
  return findings;
}

// Step 1: requests that are answered without examination (a note says why).
std::optional<Decision> not_examined(const AdmissionRequest& request, const Settings& settings) {
  Decision d;
  if (request.operation != "CREATE" && request.operation != "UPDATE") {
    d.note = fmt::format("operation {} not examined", request.operation);
  } else if (!request.sub_resource.empty() && request.sub_resource != "ephemeralcontainers") {
    d.note = fmt::format("subresource {} not examined", request.sub_resource);
  } else if (settings.namespace_exempt(request.name_space)) {
    d.verdict = Verdict::Exempt;
    d.note = fmt::format("namespace {} exempt", request.name_space);
  } else if (settings.user_exempt(request.username)) {
    d.verdict = Verdict::Exempt;
    d.note = "user exempt";
  } else if (!request.object) {
    d.note = "no object";
  } else {
    return std::nullopt;
  }
  return d;
}

// The answer when the work budget ran out before the findings were complete:
// what was found is not the whole story, so it is not a verdict on the object.
Decision over_budget(const AdmissionRequest& request, const Settings& settings) {
  Decision d;
  d.over_budget = true;
  std::string what =
      fmt::format("{} {} {}", request.operation, request.kind.kind,
                  request.name_space.empty() ? request.name : fmt::format("{}/{}", request.name_space, request.name));
  std::string why = fmt::format(
      "not examined within the work budget of {} ms (an object of this size and shape "
      "takes longer to check than the webhook allows)",
      settings.budget.count());
  d.note = "over the work budget";
  if (settings.deny_over_budget) {
    d.verdict = Verdict::Denied;
    d.message = fmt::format("kubeguard: {} {}; denied", what, why);
  } else {
    d.verdict = settings.mode == Mode::Audit ? Verdict::Audited : Verdict::Warned;
    d.warnings.push_back(clip(fmt::format("kubeguard: {} {}; admitted unexamined", what, why), kMaxWarningLength));
    d.audit_annotations.emplace_back("verdict", "over-budget");
  }
  return d;
}

// Step 3: the verdict the mode makes of the findings at or above the threshold.
Decision verdict_of(std::vector<rules::Finding> counted, const AdmissionRequest& request, const engine::Config& config,
                    const Settings& settings) {
  Decision d;
  d.findings = std::move(counted);
  std::stable_sort(d.findings.begin(), d.findings.end(), [](const rules::Finding& a, const rules::Finding& b) {
    return std::tie(b.severity, a.rule_id, a.path) < std::tie(a.severity, b.rule_id, b.path);
  });
  for (const auto& f : d.findings) d.rule_ids.push_back(f.rule_id);
  std::sort(d.rule_ids.begin(), d.rule_ids.end());
  d.rule_ids.erase(std::unique(d.rule_ids.begin(), d.rule_ids.end()), d.rule_ids.end());
  if (d.findings.empty()) return d;

  switch (settings.mode) {
    case Mode::Enforce:
      d.verdict = Verdict::Denied;
      d.message = denial_message(d.findings, request, config.fail_on);
      break;
    case Mode::Warn:
      d.verdict = Verdict::Warned;
      for (size_t i = 0; i < d.findings.size() && i < kMaxWarnings; ++i) {
        d.warnings.push_back(clip("kubeguard: " + one_line(d.findings[i]), kMaxWarningLength));
      }
      if (d.findings.size() > kMaxWarnings) {
        d.warnings.push_back(fmt::format("kubeguard: and {} more findings", d.findings.size() - kMaxWarnings));
      }
      break;
    case Mode::Audit: {
      d.verdict = Verdict::Audited;
      std::string list;
      for (const auto& f : d.findings) {
        if (!list.empty()) list += ",";
        list += f.path.empty() ? f.rule_id : fmt::format("{}@{}", f.rule_id, f.path);
        if (list.size() > kMaxAnnotationLength) break;
      }
      d.audit_annotations.emplace_back("verdict", "would-deny");
      d.audit_annotations.emplace_back("findings", clip(std::move(list), kMaxAnnotationLength));
      break;
    }
  }
  return d;
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::Allowed: return "allowed";
    case Verdict::Denied: return "denied";
    case Verdict::Warned: return "warned";
    case Verdict::Audited: return "audited";
    case Verdict::Exempt: return "exempt";
  }
  return "allowed";
}

std::vector<rules::Finding> evaluate_request(const AdmissionRequest& request, const rules::Catalog& catalog,
                                             const engine::Config& config, std::optional<rules::Severity> counting_from,
                                             const engine::StopCheck& stop, bool* complete) {
  bool done = true;
  std::vector<rules::Finding> findings = request_findings(request, catalog, config, counting_from, stop, done);
  if (complete != nullptr) *complete = done;
  return findings;
}

Decision decide(const AdmissionRequest& request, const rules::Catalog& catalog, const engine::Config& config,
                const Settings& settings, const engine::StopCheck& over_budget_check) {
  // 1. Whether the request is examined at all.
  if (std::optional<Decision> skipped = not_examined(request, settings)) return std::move(*skipped);

  // 2. The findings of the object, and on UPDATE what the update changes.
  bool complete = true;
  std::vector<rules::Finding> counted;
  std::vector<rules::Finding> found =
      request_findings(request, catalog, config, config.fail_on, over_budget_check, complete);
  if (settings.accept) settings.accept(found);
  for (auto& f : found) {
    // failOn: none: findings never deny (nor warn); the webhook only logs.
    if (!f.suppressed && !config.fail_never && f.severity >= config.fail_on) counted.push_back(std::move(f));
  }
  if (!complete) return over_budget(request, settings);

  // 3. The verdict of the mode.
  return verdict_of(std::move(counted), request, config, settings);
}

}  // namespace kg::admission
