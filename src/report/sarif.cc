// The SARIF 2.1.0 report, shaped for GitHub code scanning: one run, the
// descriptors of the rules that have results, one result per finding.
// docs/report-sarif.md explains the choices; scripts/validate-sarif.py checks
// the output against the published schema.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "report/report.h"
#include "report/sarif_fields.h"
#include "rules/fingerprint.h"
#include "util/json_writer.h"

namespace kg::report {
namespace {

constexpr std::string_view kSchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
// Our own versioned fingerprint (rules::fingerprint, the one every front
// gives a finding). primaryLocationLineHash is left to GitHub's upload
// action, which computes it from the file's text; one supplied by the tool
// draws a warning on every result.
constexpr std::string_view kFingerprintKey = "kubeguard/v2";

// The project's home: informationUri, and helpUri per rule (the rule's
// section of docs/rules.md at this version's tag). The same organisation
// publishes the image (deploy/).
constexpr std::string_view kHomepage = "https://github.com/kubeguard/kubeguard";

// GitHub code scanning refuses a run with more results; the rest are dropped,
// least severe first, and a notification says how many.
constexpr size_t kMaxResults = 25000;

// The rules are exact checks of declared configuration, not heuristics over
// code, so their results are rarely false positives.
constexpr std::string_view kPrecision = "high";

// GitHub's limits on descriptor text.
constexpr size_t kMaxDescription = 1024;
constexpr size_t kMaxName = 255;
constexpr size_t kMaxTags = 20;

struct Descriptor {
  std::string_view id;
  const rules::RuleMeta* meta = nullptr;  // nullptr for an ID the catalog does not know
};

// Descriptors for the rules that have results, in catalog order, so the
// listing is stable whatever order the findings came in.
struct RuleTable {
  std::vector<Descriptor> rules;
  std::unordered_map<std::string_view, size_t> index;
};

RuleTable rule_table(const engine::ScanResult& result, const rules::Catalog& catalog) {
  std::unordered_set<std::string_view> used;
  for (const auto& f : result.findings) used.emplace(f.rule_id);
  RuleTable table;
  for (const auto& entry : catalog.rules()) {
    if (used.erase(entry.meta->id) == 0) continue;
    table.index.emplace(entry.meta->id, table.rules.size());
    table.rules.push_back({entry.meta->id, entry.meta});
  }
  for (const auto& f : result.findings) {
    if (used.erase(f.rule_id) == 0) continue;
    table.index.emplace(f.rule_id, table.rules.size());
    table.rules.push_back({f.rule_id, nullptr});
  }
  return table;
}

std::string_view reference_source(rules::ReferenceKind kind) {
  switch (kind) {
    case rules::ReferenceKind::ThreatMatrix: return "Microsoft Threat Matrix for Kubernetes";
    case rules::ReferenceKind::Attack: return "MITRE ATT&CK";
    case rules::ReferenceKind::Pss: return "Pod Security Standards";
    case rules::ReferenceKind::Cis: return "CIS Kubernetes Benchmark";
    case rules::ReferenceKind::Nsa: return "NSA/CISA Kubernetes Hardening Guidance";
    case rules::ReferenceKind::Other: return "Reference";
  }
  return "Reference";
}

// ATT&CK is the one reference family whose page addresses follow from the ID
// alone (T1552.007 -> techniques/T1552/007/).
std::string attack_url(std::string_view id) {
  std::string path(id);
  for (auto& c : path) {
    if (c == '.') c = '/';
  }
  return fmt::format("https://attack.mitre.org/techniques/{}/", path);
}

std::string help_text(const rules::RuleMeta& meta) {
  std::string text = fmt::format("{}\n\nRemediation: {}\n", meta.rationale, meta.remediation);
  if (!meta.references.empty()) text += "\nReferences:\n";
  for (const auto& r : meta.references) {
    text += fmt::format("- {} {}: {}\n", reference_source(r.kind), r.id, r.title);
  }
  return text;
}

std::string help_markdown(const rules::RuleMeta& meta) {
  std::string md = fmt::format("{}\n\n**Remediation.** {}\n", meta.rationale, meta.remediation);
  if (!meta.references.empty()) md += "\n**References**\n\n";
  for (const auto& r : meta.references) {
    if (r.kind == rules::ReferenceKind::Attack) {
      md += fmt::format("- {} [{}]({}): {}\n", reference_source(r.kind), r.id, attack_url(r.id), r.title);
    } else {
      md += fmt::format("- {} `{}`: {}\n", reference_source(r.kind), r.id, r.title);
    }
  }
  return md;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void write_descriptor(util::JsonWriter& w, const Descriptor& d) {
  w.begin_object();
  w.field("id", d.id);
  if (d.meta == nullptr) {
    // GitHub requires both descriptions; say honestly that we know nothing more.
    w.key("shortDescription").begin_object().field("text", d.id).end_object();
    w.key("fullDescription").begin_object().field("text", "Rule not in this kubeguard's catalog.").end_object();
    w.key("help").begin_object().field("text", "Rule not in this kubeguard's catalog.").end_object();
    w.end_object();
    return;
  }
  const auto& m = *d.meta;
  w.field("name", std::string_view(sarif::clip(m.slug, kMaxName)));
  w.field("helpUri", std::string_view(fmt::format("{}/blob/v{}/docs/rules.md#{}", kHomepage, KG_VERSION, lower(m.id))));
  w.key("shortDescription").begin_object().field("text", std::string_view(sarif::clip(m.title, kMaxDescription)));
  w.end_object();
  w.key("fullDescription").begin_object();
  w.field("text", std::string_view(sarif::clip(m.rationale, kMaxDescription)));
  w.end_object();
  w.key("help").begin_object();
  w.field("text", std::string_view(help_text(m)));
  w.field("markdown", std::string_view(help_markdown(m)));
  w.end_object();
  w.key("defaultConfiguration").begin_object().field("level", sarif::level(m.severity)).end_object();
  w.key("properties").begin_object();
  w.key("tags").begin_array();
  w.value("security").value("kubernetes").value(std::string_view(lower(m.family)));
  size_t tags = 3;
  for (const auto& r : m.references) {
    if (tags++ == kMaxTags) break;
    w.value(std::string_view(fmt::format("{}/{}", rules::reference_kind_name(r.kind), r.id)));
  }
  w.end_array();
  w.field("security-severity", sarif::security_severity(m.severity));
  w.field("precision", kPrecision);
  w.field("problem.severity", sarif::level(m.severity) == "note" ? "recommendation" : sarif::level(m.severity));
  w.field("kubeguard/severity", rules::severity_name(m.severity));
  w.field("kubeguard/family", m.family);
  w.end_object();
  w.end_object();
}

void write_artifact(util::JsonWriter& w, std::string_view file, doc::Mark mark) {
  w.key("physicalLocation").begin_object();
  auto artifact = sarif::artifact_uri(file);
  w.key("artifactLocation").begin_object();
  w.field("uri", std::string_view(artifact.uri));
  if (artifact.relative) w.field("uriBaseId", sarif::kSourceRoot);
  w.end_object();
  if (mark.line != 0) {
    w.key("region").begin_object();
    w.field("startLine", mark.line);
    if (mark.column != 0) w.field("startColumn", mark.column);
    w.end_object();
  }
  w.end_object();
}

void write_location(util::JsonWriter& w, const rules::Finding& f) {
  w.begin_object();
  if (!f.file.empty()) write_artifact(w, f.file, f.mark);
  std::string key = sarif::object_key(f.object);
  w.key("logicalLocations").begin_array();
  w.begin_object();
  w.field("name", std::string_view(f.object.name));
  w.field("fullyQualifiedName", std::string_view(key));
  w.field("kind", "resource");
  w.end_object();
  if (!f.path.empty()) {
    w.begin_object();
    w.field("name", std::string_view(f.path));
    w.field("fullyQualifiedName", std::string_view(key + ":" + f.path));
    w.field("kind", "property");
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_result(util::JsonWriter& w, const rules::Finding& f, size_t rule_index, const std::string& fingerprint) {
  w.begin_object();
  w.field("ruleId", std::string_view(f.rule_id));
  w.field("ruleIndex", static_cast<uint64_t>(rule_index));
  w.field("level", sarif::level(f.severity));
  w.key("message").begin_object().field("text", std::string_view(f.message)).end_object();
  w.key("locations").begin_array();
  write_location(w, f);
  w.end_array();
  w.key("partialFingerprints").begin_object();
  w.field(kFingerprintKey, std::string_view(fingerprint));
  w.end_object();
  if (f.suppressed) {
    // Annotations live in the manifest itself; everything else comes from
    // the configuration file, which SARIF calls external.
    bool in_source = f.suppression.starts_with("annotation");
    w.key("suppressions").begin_array().begin_object();
    w.field("kind", in_source ? "inSource" : "external");
    w.field("status", "accepted");
    w.field("justification", std::string_view(f.suppression));
    w.end_object().end_array();
  }
  w.key("properties").begin_object();
  w.field("severity", rules::severity_name(f.severity));
  w.key("object").begin_object();
  w.field("apiVersion", std::string_view(f.object.api_version));
  w.field("kind", std::string_view(f.object.kind));
  w.field("namespace", std::string_view(f.object.name_space));
  w.field("name", std::string_view(f.object.name));
  w.end_object();
  if (!f.container.empty()) {
    w.field("container", std::string_view(f.container));
    w.field("containerRole", std::string_view(f.container_role));
  }
  w.field("path", std::string_view(f.path));
  if (!f.details.empty()) {
    w.key("details").begin_object();
    for (const auto& d : f.details) w.field(d.key, std::string_view(d.value));
    w.end_object();
  }
  w.end_object();
  w.end_object();
}

void write_invocation(util::JsonWriter& w, const ReportInput& input, size_t dropped) {
  const auto& errors = input.result.errors;
  w.begin_object();
  w.field("executionSuccessful", errors.empty());
  w.field("exitCode", input.exit_code);
  w.key("toolExecutionNotifications").begin_array();
  if (dropped > 0) {
    w.begin_object();
    w.field("level", "warning");
    w.key("message").begin_object();
    w.field("text", std::string_view(fmt::format(
                        "{} of {} results left out, the least severe: GitHub code scanning accepts at most {} results "
                        "per run. The json format lists every finding.",
                        dropped, input.result.findings.size(), kMaxResults)));
    w.end_object();
    w.key("descriptor").begin_object().field("id", "results-capped").end_object();
    w.end_object();
  }
  for (const auto& e : errors) {
    w.begin_object();
    w.field("level", "error");
    w.key("message").begin_object().field("text", std::string_view(e.message)).end_object();
    w.key("descriptor").begin_object().field("id", doc::error_code_name(e.code)).end_object();
    if (!e.file.empty()) {
      w.key("locations").begin_array().begin_object();
      write_artifact(w, e.file, e.mark);
      w.end_object().end_array();
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

// Which findings become results: all of them up to the cap, else the most
// severe (input order among equals), still in input order.
std::vector<bool> kept_findings(const std::vector<rules::Finding>& findings) {
  std::vector<bool> keep(findings.size(), true);
  if (findings.size() <= kMaxResults) return keep;
  std::vector<size_t> order(findings.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return findings[a].severity > findings[b].severity; });
  for (size_t k = kMaxResults; k < order.size(); ++k) keep[order[k]] = false;
  return keep;
}

}  // namespace

void write_sarif(const ReportInput& input, std::ostream& out) {
  const auto& r = input.result;
  std::vector<bool> keep = kept_findings(r.findings);
  size_t dropped = static_cast<size_t>(std::count(keep.begin(), keep.end(), false));
  RuleTable table = rule_table(r, input.catalog);
  util::JsonWriter w(out);
  w.begin_object();
  w.field("$schema", kSchemaUri);
  w.field("version", "2.1.0");
  w.key("runs").begin_array().begin_object();
  w.key("tool").begin_object().key("driver").begin_object();
  w.field("name", "kubeguard");
  w.field("version", KG_VERSION);
  w.field("semanticVersion", KG_VERSION);
  w.field("informationUri", kHomepage);
  w.key("rules").begin_array();
  for (const auto& d : table.rules) write_descriptor(w, d);
  w.end_array();
  w.end_object().end_object();
  w.key("invocations").begin_array();
  write_invocation(w, input, dropped);
  w.end_array();
  w.key("results").begin_array();
  // GitHub's own fingerprints end in ":<occurrence>" so that identical
  // findings (same rule, object and field) stay distinct; ours do the same.
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < r.findings.size(); ++i) {
    if (!keep[i]) continue;
    const auto& f = r.findings[i];
    std::string hash = rules::fingerprint(f);
    size_t occurrence = ++seen[hash];
    write_result(w, f, table.index.at(f.rule_id), fmt::format("{}:{}", hash, occurrence));
  }
  w.end_array();
  w.end_object().end_array();
  w.end_object();
}

}  // namespace kg::report
