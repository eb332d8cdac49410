// The HTML report: one self-contained file a person opens in a browser. A
// summary by severity, the Microsoft threat matrix coloured by findings,
// findings by object and by rule, filters. Everything that came from input is
// escaped; style and script are inline and allowed by hash only, and the
// Content-Security-Policy forbids every request, so the file never calls out.
#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "report/html_assets.h"
#include "report/report.h"
#include "report/threat_matrix.h"
#include "report/xml_escape.h"

namespace kg::report {
namespace {

constexpr std::array kSeverities = {rules::Severity::Critical, rules::Severity::High, rules::Severity::Medium,
                                    rules::Severity::Low, rules::Severity::Info};

// A rule lists at most this many of its findings; the objects section has them all.
constexpr size_t kHitsPerRule = 500;

// XML escaping is valid HTML escaping, and it also makes control characters
// and bytes that are not UTF-8 visible instead of passing them on.
std::string text(std::string_view s) { return xml_text(s); }
std::string attr(std::string_view s) { return xml_attribute(s); }

std::string_view sev(rules::Severity s) { return rules::severity_name(s); }

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The namespace as the filter knows it; "(none)" cannot be a namespace name.
std::string ns_key(const rules::Finding& f) { return f.object.name_space.empty() ? "(none)" : f.object.name_space; }

std::string location(const rules::Finding& f) {
  if (f.file.empty()) return {};
  if (f.mark.line == 0) return f.file;
  return fmt::format("{}:{}:{}", f.file, f.mark.line, f.mark.column);
}

bool is_technique(const rules::Reference& r) {
  return r.kind == rules::ReferenceKind::ThreatMatrix && r.id.starts_with("MS-TA");
}

std::string attack_url(std::string_view id) {
  std::string path(id);
  std::replace(path.begin(), path.end(), '.', '/');
  return fmt::format("https://attack.mitre.org/techniques/{}/", path);
}

std::string_view reference_source(rules::ReferenceKind kind) {
  switch (kind) {
    case rules::ReferenceKind::ThreatMatrix: return "Threat Matrix for Kubernetes";
    case rules::ReferenceKind::Attack: return "MITRE ATT&CK";
    case rules::ReferenceKind::Pss: return "Pod Security Standards";
    case rules::ReferenceKind::Cis: return "CIS Kubernetes Benchmark";
    case rules::ReferenceKind::Nsa: return "NSA/CISA Hardening Guidance";
    case rules::ReferenceKind::Other: return "Reference";
  }
  return "Reference";
}

// What the report computes once from the findings and the catalog.
struct Facts {
  // Space-separated MS-TA IDs of each rule, for the data-tech attributes.
  std::unordered_map<std::string_view, std::string> rule_techniques;
  // Unsuppressed findings per technique, and the rules that produced them.
  std::map<std::string_view, size_t> technique_findings;
  std::map<std::string_view, std::set<std::string_view>> technique_rules_hit;
  // Rules of the catalog that can report each technique.
  std::map<std::string_view, std::vector<std::string_view>> technique_rules;
  std::set<std::string> namespaces;
};

Facts gather(const ReportInput& input) {
  Facts facts;
  for (const auto& entry : input.catalog.rules()) {
    std::string ids;
    for (const auto& r : entry.meta->references) {
      if (!is_technique(r)) continue;
      if (!ids.empty()) ids += ' ';
      ids += r.id;
      facts.technique_rules[r.id].push_back(entry.meta->id);
    }
    facts.rule_techniques.emplace(entry.meta->id, std::move(ids));
  }
  for (const auto& f : input.result.findings) {
    facts.namespaces.insert(ns_key(f));
    if (f.suppressed) continue;
    const rules::RuleEntry* rule = input.catalog.find(f.rule_id);
    if (rule == nullptr) continue;
    for (const auto& r : rule->meta->references) {
      if (!is_technique(r)) continue;
      ++facts.technique_findings[r.id];
      facts.technique_rules_hit[r.id].insert(rule->meta->id);
    }
  }
  return facts;
}

std::string_view techniques_of(const Facts& facts, std::string_view rule_id) {
  auto it = facts.rule_techniques.find(rule_id);
  return it == facts.rule_techniques.end() ? std::string_view() : std::string_view(it->second);
}

// Heat level by finding count: 1, 2-5, 6-20, 21-100, more.
int heat(size_t n) {
  if (n == 0) return 0;
  if (n == 1) return 1;
  if (n <= 5) return 2;
  if (n <= 20) return 3;
  if (n <= 100) return 4;
  return 5;
}

void write_head(std::ostream& out, std::string_view title) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      << html_assets::kStyleHash << "; script-src " << html_assets::kScriptHash
      << "; img-src 'none'; font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'\">\n"
      << "<meta name=\"referrer\" content=\"no-referrer\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << text(title) << "</title>\n<style>" << html_assets::kStyle << "</style>\n</head>\n";
}

void write_header(std::ostream& out, const ReportInput& input) {
  out << "<header>\n<h1>kubeguard report</h1>\n<p class=\"sub\">"
      << text(input.subject.empty() ? std::string_view("scan") : input.subject) << " &middot; kubeguard " << KG_VERSION
      << "</p>\n<nav><a href=\"#summary\">Summary</a><a href=\"#matrix\">Threat matrix</a>"
      << "<a href=\"#objects\">By object</a><a href=\"#rules\">By rule</a>";
  if (!input.result.errors.empty() || !input.result.notices.empty()) out << "<a href=\"#notes\">Errors and notes</a>";
  out << "</nav>\n</header>\n";
}

void write_summary(std::ostream& out, const ReportInput& input) {
  const auto& s = input.result.summary;
  out << "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n";
  for (auto severity : kSeverities) {
    out << fmt::format("<div class=\"card {0}\"><b>{1}</b><span>{0}</span></div>\n", sev(severity),
                       s.by_severity[static_cast<size_t>(severity)]);
  }
  out << fmt::format("<div class=\"card\"><b>{}</b><span>suppressed</span></div>\n", s.suppressed);
  out << "</div>\n";
  bool failed = input.exit_code != 0;
  out << fmt::format(
      "<p class=\"facts\">{} files, {} objects, {} findings, {} suppressed, {} errors, {} documents skipped (no "
      "apiVersion/kind). <span class=\"verdict {}\">{}</span></p>\n",
      s.files, s.objects, s.findings(), s.suppressed, s.errors, s.skipped_documents, failed ? "fail" : "pass",
      input.exit_code == 2   ? "Errors: exit status 2."
      : input.exit_code == 1 ? fmt::format("Findings at or above {}: exit status 1.", sev(input.fail_on))
                             : fmt::format("No finding at or above {}: exit status 0.", sev(input.fail_on)));
  out << "</section>\n";
}

void write_filters(std::ostream& out, const Facts& facts) {
  out << "<section class=\"filters\" id=\"filters\" aria-label=\"Filters\">\n";
  for (auto severity : kSeverities) {
    out << fmt::format("<label><input type=\"checkbox\" class=\"f-sev\" value=\"{0}\" checked> {0}</label>\n",
                       sev(severity));
  }
  out << "<label><input type=\"checkbox\" id=\"f-supp\" checked> suppressed</label>\n"
      << "<label>namespace <select id=\"f-ns\"><option value=\"\">all</option>";
  for (const auto& ns : facts.namespaces) {
    out << "<option value=\"" << attr(ns) << "\">" << text(ns == "(none)" ? "(cluster-scoped or none)" : ns)
        << "</option>";
  }
  out << "</select></label>\n"
      << "<input type=\"search\" id=\"f-text\" placeholder=\"Search messages, objects, paths\" "
         "aria-label=\"Search\">\n"
      << "<span id=\"f-tech\" hidden>technique <b></b> <button id=\"f-tech-clear\" type=\"button\" "
         "aria-label=\"Clear technique filter\">&times;</button></span>\n"
      << "<span id=\"f-count\"></span>\n</section>\n";
}

void write_matrix(std::ostream& out, const Facts& facts) {
  auto tactics = threat_matrix();
  size_t rows = 0;
  for (const auto& t : tactics) rows = std::max(rows, t.techniques.size());
  out << "<section id=\"matrix\">\n<h2>Microsoft threat matrix for Kubernetes</h2>\n"
      << "<div class=\"scroll\"><table class=\"matrix\">\n<thead><tr>";
  for (const auto& t : tactics) out << "<th scope=\"col\">" << text(t.name) << "</th>";
  out << "</tr></thead>\n<tbody>\n";
  for (size_t row = 0; row < rows; ++row) {
    out << "<tr>";
    for (const auto& t : tactics) {
      if (row >= t.techniques.size()) {
        out << "<td></td>";
        continue;
      }
      const MatrixTechnique& tech = t.techniques[row];
      auto covered = facts.technique_rules.find(tech.id);
      if (covered == facts.technique_rules.end()) {
        out << "<td class=\"na\" title=\"" << attr(tech.id) << ' ' << attr(tech.name)
            << ": no kubeguard rule checks this technique\"><span class=\"n\">" << text(tech.name)
            << "</span><span class=\"id\">" << text(tech.id) << "</span></td>";
        continue;
      }
      auto hit = facts.technique_findings.find(tech.id);
      size_t n = hit == facts.technique_findings.end() ? 0 : hit->second;
      std::string tip = fmt::format("{} {}: {} finding{}", tech.id, tech.name, n, n == 1 ? "" : "s");
      if (auto rules_hit = facts.technique_rules_hit.find(tech.id); rules_hit != facts.technique_rules_hit.end()) {
        tip += " from ";
        bool first = true;
        for (auto id : rules_hit->second) {
          tip += first ? "" : ", ";
          tip += id;
          first = false;
        }
      }
      tip += ". Rules: ";
      for (size_t i = 0; i < covered->second.size(); ++i) tip += (i == 0 ? "" : ", ") + std::string(covered->second[i]);
      out << fmt::format("<td class=\"t h{}\" tabindex=\"0\" data-tech=\"{}\" title=\"{}\">", heat(n), attr(tech.id),
                         attr(tip));
      if (n > 0) out << "<span class=\"c\">" << n << "</span>";
      out << "<span class=\"n\">" << text(tech.name) << "</span><span class=\"id\">" << text(tech.id) << "</span></td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody></table></div>\n<div class=\"legend\">"
      << "<span><span class=\"k na\"></span>not checked by any rule</span>"
      << "<span><span class=\"k h0\"></span>checked, no finding</span>"
      << "<span><span class=\"k h1\"></span>1</span><span><span class=\"k h2\"></span>2&ndash;5</span>"
      << "<span><span class=\"k h3\"></span>6&ndash;20</span><span><span class=\"k h4\"></span>21&ndash;100</span>"
      << "<span><span class=\"k h5\"></span>more than 100 findings (suppressed ones not counted)</span>"
      << "<span>Select a technique to filter the findings by it.</span></div>\n</section>\n";
}

// The attributes every finding carries for the filters.
std::string data_attributes(const rules::Finding& f, const Facts& facts) {
  return fmt::format(R"( data-sev="{}" data-ns="{}" data-supp="{}" data-tech="{}")", sev(f.severity), attr(ns_key(f)),
                     f.suppressed ? 1 : 0, attr(techniques_of(facts, f.rule_id)));
}

std::string finding_detail(const rules::Finding& f) {
  std::string d = text(f.path);
  if (!f.container.empty()) d += fmt::format(" &middot; container {} ({})", text(f.container), text(f.container_role));
  if (std::string loc = location(f); !loc.empty()) d += " &middot; " + text(loc);
  return d;
}

void write_objects(std::ostream& out, const ReportInput& input, const Facts& facts) {
  const auto& findings = input.result.findings;
  // Objects in input order, most severe first inside each (as the text report).
  std::vector<size_t> order(findings.size());
  std::vector<size_t> rank(findings.size());
  std::vector<std::string> keys(findings.size());
  std::unordered_map<std::string, size_t> first_rank;
  for (size_t i = 0; i < findings.size(); ++i) {
    const auto& f = findings[i];
    order[i] = i;
    keys[i] = fmt::format("{}\x1f{}\x1f{}", f.file, f.object.display(), f.object.api_version);
    rank[i] = first_rank.try_emplace(keys[i], first_rank.size()).first->second;
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (rank[a] != rank[b]) return rank[a] < rank[b];
    return findings[a].severity > findings[b].severity;
  });
  out << "<section id=\"objects\">\n<h2>Findings by object</h2>\n";
  if (findings.empty()) out << "<p>No findings.</p>\n";
  const std::string* current = nullptr;
  for (size_t i : order) {
    const auto& f = findings[i];
    if (current == nullptr || keys[i] != *current) {
      if (current != nullptr) out << "</tbody></table></div>\n";
      current = &keys[i];
      out << "<div class=\"obj\"><h3>" << text(f.object.display());
      if (!f.object.api_version.empty()) out << " <span class=\"tag\">" << text(f.object.api_version) << "</span>";
      if (!f.file.empty()) out << "<span class=\"file\">" << text(f.file) << "</span>";
      out << "</h3>\n<table class=\"findings\"><tbody>\n";
    }
    out << "<tr class=\"f" << (f.suppressed ? " supp" : "") << "\"" << data_attributes(f, facts) << "><td>"
        << fmt::format("<span class=\"sev {}\">{}</span>", sev(f.severity), upper(sev(f.severity))) << "</td><td>"
        << "<a href=\"#rule-" << attr(f.rule_id) << "\">" << text(f.rule_id) << "</a></td><td>" << text(f.message);
    if (f.suppressed) out << "<span class=\"tag\">suppressed: " << text(f.suppression) << "</span>";
    out << "<div class=\"path\">" << finding_detail(f) << "</div></td></tr>\n";
  }
  if (current != nullptr) out << "</tbody></table></div>\n";
  out << "</section>\n";
}

void write_references(std::ostream& out, const rules::RuleMeta& meta) {
  if (meta.references.empty()) return;
  out << "<ul class=\"refs\">";
  for (const auto& r : meta.references) {
    out << "<li>" << text(reference_source(r.kind)) << ' ';
    if (r.kind == rules::ReferenceKind::Attack) {
      out << "<a rel=\"noopener noreferrer\" href=\"" << attr(attack_url(r.id)) << "\">" << text(r.id) << "</a>";
    } else {
      out << "<b>" << text(r.id) << "</b>";
    }
    out << ": " << text(r.title) << "</li>";
  }
  out << "</ul>\n";
}

void write_rules(std::ostream& out, const ReportInput& input, const Facts& facts) {
  const auto& findings = input.result.findings;
  std::map<std::string_view, std::vector<size_t>> by_rule;
  for (size_t i = 0; i < findings.size(); ++i) by_rule[findings[i].rule_id].push_back(i);
  struct Row {
    std::string_view id;
    const rules::RuleMeta* meta;
    rules::Severity severity;
    size_t active;
  };
  std::vector<Row> rows;
  for (const auto& [id, hits] : by_rule) {
    const rules::RuleEntry* rule = input.catalog.find(id);
    size_t active = 0;
    rules::Severity severity = findings[hits.front()].severity;
    for (size_t i : hits) {
      if (!findings[i].suppressed) ++active;
      severity = std::max(severity, findings[i].severity);
    }
    rows.push_back({id, rule == nullptr ? nullptr : rule->meta, severity, active});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.active > b.active;
  });
  out << "<section id=\"rules\">\n<h2>Findings by rule</h2>\n";
  if (rows.empty()) out << "<p>No findings.</p>\n";
  for (const auto& row : rows) {
    const auto& hits = by_rule[row.id];
    out << "<article class=\"rule\" id=\"rule-" << attr(row.id) << "\" data-sev=\"" << sev(row.severity)
        << "\" data-tech=\"" << attr(techniques_of(facts, row.id)) << "\"><h3>"
        << fmt::format("<span class=\"sev {}\">{}</span> ", sev(row.severity), upper(sev(row.severity)))
        << text(row.id);
    if (row.meta != nullptr) out << " &middot; " << text(row.meta->title);
    out << fmt::format("<span class=\"file\">{} finding{}, {} suppressed</span></h3>\n", row.active,
                       row.active == 1 ? "" : "s", hits.size() - row.active);
    if (row.meta != nullptr) {
      out << "<p>" << text(row.meta->rationale) << "</p>\n<p><b>Remediation.</b> " << text(row.meta->remediation)
          << "</p>\n";
      write_references(out, *row.meta);
    } else {
      out << "<p>Rule not in this kubeguard's catalog.</p>\n";
    }
    out << "<details><summary>Where (" << hits.size() << ")</summary><ul class=\"hits\">\n";
    for (size_t k = 0; k < hits.size() && k < kHitsPerRule; ++k) {
      const auto& f = findings[hits[k]];
      out << "<li class=\"f" << (f.suppressed ? " supp" : "") << "\"" << data_attributes(f, facts) << ">"
          << text(f.object.display()) << ": " << text(f.message) << " <span class=\"path\">" << finding_detail(f)
          << "</span></li>\n";
    }
    if (hits.size() > kHitsPerRule) {
      out << "<li class=\"more\">and " << hits.size() - kHitsPerRule << " more, listed under Findings by object</li>\n";
    }
    out << "</ul></details>\n</article>\n";
  }
  out << "</section>\n";
}

void write_notes(std::ostream& out, const ReportInput& input) {
  const auto& r = input.result;
  if (r.errors.empty() && r.notices.empty()) return;
  out << "<section id=\"notes\">\n<h2>Errors and notes</h2>\n";
  if (!r.errors.empty()) {
    out << "<ul class=\"errors\">\n";
    for (const auto& e : r.errors) out << "<li>" << text(doc::format_error(e)) << "</li>\n";
    out << "</ul>\n";
  }
  if (!r.notices.empty()) {
    out << "<ul>\n";
    for (const auto& n : r.notices) out << "<li>" << text(n) << "</li>\n";
    out << "</ul>\n";
  }
  out << "</section>\n";
}

}  // namespace

void write_html(const ReportInput& input, std::ostream& out) {
  const Facts facts = gather(input);
  write_head(out, input.subject.empty() ? std::string("kubeguard report")
                                        : fmt::format("kubeguard report: {}", input.subject));
  out << "<body>\n";
  write_header(out, input);
  out << "<main>\n";
  write_summary(out, input);
  write_filters(out, facts);
  write_matrix(out, facts);
  write_objects(out, input, facts);
  write_rules(out, input, facts);
  write_notes(out, input);
  out << "<footer>Threat matrix: Microsoft Threat Matrix for Kubernetes (commit "
      << text(threat_matrix_commit().substr(0, 12)) << "), CC BY 4.0, &copy; Microsoft. Generated by kubeguard "
      << KG_VERSION << ".</footer>\n"
      << "</main>\n<script>" << html_assets::kScript << "</script>\n</body>\n</html>\n";
}

}  // namespace kg::report
