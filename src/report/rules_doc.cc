#include "report/rules_doc.h"

#include <map>

#include <fmt/format.h>

#include "rules/severity_case.h"
#include "util/json_writer.h"

namespace kg::report {
namespace {

std::string kinds_text(const rules::RuleMeta& meta) {
  std::string out;
  for (auto k : meta.kinds) {
    if (!out.empty()) out += ", ";
    out += k == "pod-bearing" ? "every kind with a pod spec" : std::string(k);
  }
  return out;
}

std::string reference_text(const rules::Reference& r) {
  return fmt::format("{} {} ({})", rules::reference_kind_name(r.kind), r.id, r.title);
}

std::string_view family_title(std::string_view family) {
  if (family == "POD") return "POD: pod and container hardening";
  if (family == "PSS") return "PSS: Pod Security Standards";
  if (family == "SC") return "SC: sidecars";
  if (family == "IMG") return "IMG: image supply chain";
  if (family == "WH") return "WH: admission webhook configurations";
  if (family == "RBAC") return "RBAC: roles and bindings";
  if (family == "NET") return "NET: network policy";
  if (family == "NS") return "NS: namespaces";
  if (family == "SEC") return "SEC: secrets";
  if (family == "DRIFT") return "DRIFT: desired versus live state";
  if (family == "AUD") return "AUD: audit-log detections";
  if (family == "NODE") return "NODE: control-plane and kubelet hardening (CIS Kubernetes Benchmark)";
  if (family == "RT") return "RT: runtime detections on the node";
  return family;
}

}  // namespace

void write_rules_table(const rules::Catalog& catalog, std::ostream& out) {
  out << fmt::format("{:<12} {:<9} {:<38} {}\n", "ID", "SEVERITY", "SLUG", "TITLE");
  for (const auto& r : catalog.rules()) {
    out << fmt::format("{:<12} {:<9} {:<38} {}\n", r.meta->id, rules::severity_name(r.meta->severity), r.meta->slug,
                       r.meta->title);
  }
  out << fmt::format("\n{} rules. `kubeguard rules ID` explains one.\n", catalog.rules().size());
}

void write_rule_explanation(const rules::RuleMeta& meta, std::ostream& out) {
  out << fmt::format("{} {}\n{}\n\n", meta.id, meta.slug, meta.title);
  out << fmt::format("Severity:    {}\n", rules::severity_name(meta.severity));
  for (const auto& c : rules::severity_cases_of(meta.id)) {
    out << fmt::format("             {} when {}\n", rules::severity_name(c.severity), c.when);
  }
  out << fmt::format("Family:      {}\nReads:       {}\n\n", meta.family, kinds_text(meta));
  out << fmt::format("Why:\n  {}\n\nFix:\n  {}\n\nReferences:\n", meta.rationale, meta.remediation);
  for (const auto& r : meta.references) out << "  " << reference_text(r) << '\n';
}

void write_rules_json(const rules::Catalog& catalog, std::ostream& out) {
  util::JsonWriter w(out);
  w.begin_array();
  for (const auto& r : catalog.rules()) {
    const auto& m = *r.meta;
    w.begin_object();
    w.field("id", m.id).field("slug", m.slug).field("title", m.title);
    w.field("severity", rules::severity_name(m.severity));
    if (auto cases = rules::severity_cases_of(m.id); !cases.empty()) {
      w.key("severityCases").begin_array();
      for (const auto& c : cases) {
        w.begin_object().field("name", c.name).field("severity", rules::severity_name(c.severity));
        w.field("when", c.when).end_object();
      }
      w.end_array();
    }
    w.field("family", m.family);
    w.key("kinds").begin_array();
    for (auto k : m.kinds) w.value(k);
    w.end_array();
    w.field("rationale", m.rationale).field("remediation", m.remediation);
    w.key("references").begin_array();
    for (const auto& ref : m.references) {
      w.begin_object().field("kind", rules::reference_kind_name(ref.kind)).field("id", ref.id);
      w.field("title", ref.title).end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  out << '\n';
}

void write_rules_markdown(const rules::Catalog& catalog, std::ostream& out) {
  out << "# kubeguard rules reference\n\n"
         "Generated from the rule catalog by `kubeguard rules -f markdown`; do not edit by hand "
         "(a test fails when this file is stale; `scripts/gen-docs.sh` rewrites it).\n\n";
  std::map<std::string_view, std::vector<const rules::RuleMeta*>> by_family;
  for (const auto& r : catalog.rules()) by_family[r.meta->family].push_back(r.meta);
  out << fmt::format("{} rules.\n\n| ID | Slug | Severity | Title |\n|---|---|---|---|\n", catalog.rules().size());
  for (const auto& r : catalog.rules()) {
    out << fmt::format("| [{}](#{}) | {} | {} | {} |\n", r.meta->id, fmt::format("{}", r.meta->id), r.meta->slug,
                       rules::severity_name(r.meta->severity), r.meta->title);
  }
  for (const auto& [family, metas] : by_family) {
    out << fmt::format("\n## {}\n", family_title(family));
    for (const auto* m : metas) {
      out << fmt::format("\n### {}\n\n**{}** · `{}` · severity **{}** · reads: {}\n\n", m->id, m->title, m->slug,
                         rules::severity_name(m->severity), kinds_text(*m));
      out << m->rationale << "\n\n";
      if (auto cases = rules::severity_cases_of(m->id); !cases.empty()) {
        out << fmt::format("**Severity.** {}, except:\n\n", rules::severity_name(m->severity));
        for (const auto& c : cases) {
          out << fmt::format("- {} when {}\n", rules::severity_name(c.severity), c.when);
        }
        out << '\n';
      }
      out << fmt::format("**Remediation.** {}\n\n**References.**\n\n", m->remediation);
      for (const auto& ref : m->references) out << "- " << reference_text(ref) << '\n';
    }
  }
}

}  // namespace kg::report
