#include "admission/decision.h"

#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "admission/update_diff.h"
#include "engine/scanner.h"
#include "engine/suppression.h"
#include "k8s/object.h"
#include "k8s/pod_spec.h"

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

std::vector<rules::Finding> catalog_findings(const k8s::Object& object, const rules::Catalog& catalog,
                                             const engine::Config& config) {
  std::vector<rules::Finding> out;
  // Inventory rules (network policy coverage, ...) need the whole cluster, so
  // they are left to scan and cluster scan.
  engine::evaluate_object(object, catalog, config, out, nullptr);
  return out;
}

auto finding_key(const rules::Finding& f) { return std::tie(f.rule_id, f.path, f.container); }

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
                                             const engine::Config& config,
                                             std::optional<rules::Severity> counting_from) {
  if (!request.object) return {};
  std::optional<k8s::Object> object = object_of(*request.object, request);
  if (!object) return {};
  std::vector<rules::Finding> findings = catalog_findings(*object, catalog, config);
  if (request.operation != "UPDATE" || !request.old_object) return findings;
  std::optional<k8s::Object> old_object = object_of(*request.old_object, request);
  if (!old_object) return findings;

  // What the old object already had is not this update's doing: a label
  // change on a pod admitted before kubeguard ran must still go through.
  // Annotation-suppressed findings may count below, so they are candidates too.
  bool could_count = !counting_from || std::any_of(findings.begin(), findings.end(), [&](const rules::Finding& f) {
    return f.severity >= *counting_from && (!f.suppressed || f.suppression.starts_with("annotation"));
  });
  if (could_count) {
    std::vector<rules::Finding> before = catalog_findings(*old_object, catalog, config);
    std::set<std::tuple<const std::string&, const std::string&, const std::string&>> existing;
    for (const auto& f : before) existing.insert(finding_key(f));
    std::erase_if(findings, [&](const rules::Finding& f) { return existing.contains(finding_key(f)); });
  }

  diff_update(*old_object, *object, config, findings);
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

Decision decide(const AdmissionRequest& request, const rules::Catalog& catalog, const engine::Config& config,
                const Settings& settings) {
  Decision d;
  if (request.operation != "CREATE" && request.operation != "UPDATE") {
    d.note = fmt::format("operation {} not examined", request.operation);
    return d;
  }
  if (!request.sub_resource.empty() && request.sub_resource != "ephemeralcontainers") {
    d.note = fmt::format("subresource {} not examined", request.sub_resource);
    return d;
  }
  if (settings.namespace_exempt(request.name_space)) {
    d.verdict = Verdict::Exempt;
    d.note = fmt::format("namespace {} exempt", request.name_space);
    return d;
  }
  if (settings.user_exempt(request.username)) {
    d.verdict = Verdict::Exempt;
    d.note = "user exempt";
    return d;
  }
  if (!request.object) {
    d.note = "no object";
    return d;
  }

  for (auto& f : evaluate_request(request, catalog, config, config.fail_on)) {
    if (!f.suppressed && f.severity >= config.fail_on) d.findings.push_back(std::move(f));
  }
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
      }
      d.audit_annotations.emplace_back("verdict", "would-deny");
      d.audit_annotations.emplace_back("findings", clip(std::move(list), kMaxAnnotationLength));
      break;
    }
  }
  return d;
}

}  // namespace kg::admission
