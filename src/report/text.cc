// The human report: findings grouped by object, most severe first inside each
// group, colours only on a terminal. Every text that came from the input
// (names, paths, messages, errors) is shown through util::terminal_safe: a
// manifest cannot send escape sequences to the reader's terminal.
#include <algorithm>
#include <array>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "report/report.h"
#include "util/terminal_text.h"

namespace kg::report {
namespace {

struct Style {
  bool color;
  std::string_view paint(rules::Severity s) const {
    if (!color) return "";
    switch (s) {
      case rules::Severity::Critical: return "\033[1;35m";
      case rules::Severity::High: return "\033[1;31m";
      case rules::Severity::Medium: return "\033[33m";
      case rules::Severity::Low: return "\033[36m";
      case rules::Severity::Info: return "\033[2m";
    }
    return "";
  }
  std::string_view bold() const { return color ? "\033[1m" : ""; }
  std::string_view dim() const { return color ? "\033[2m" : ""; }
  std::string_view reset() const { return color ? "\033[0m" : ""; }
};

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

using util::terminal_safe;

std::string location(const rules::Finding& f) {
  if (f.file.empty()) return {};
  if (f.mark.line == 0) return terminal_safe(f.file);
  return fmt::format("{}:{}:{}", terminal_safe(f.file), f.mark.line, f.mark.column);
}

}  // namespace

void write_text(const ReportInput& input, std::ostream& out, bool color) {
  Style st{color};
  const auto& r = input.result;
  // Group by object in input order; findings of one object are contiguous except
  // for those of whole-input rules, which join their object's group.
  std::vector<size_t> order(r.findings.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<std::string> keys(r.findings.size());
  std::vector<size_t> rank(r.findings.size());
  std::unordered_map<std::string, size_t> first_rank;
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const auto& f = r.findings[i];
    keys[i] = fmt::format("{}\x1f{}\x1f{}", f.file, f.object.display(), f.object.api_version);
    rank[i] = first_rank.try_emplace(keys[i], first_rank.size()).first->second;
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (rank[a] != rank[b]) return rank[a] < rank[b];
    return r.findings[a].severity > r.findings[b].severity;
  });
  std::string current;
  for (size_t i : order) {
    const auto& f = r.findings[i];
    if (keys[i] != current) {
      current = keys[i];
      std::string where =
          f.file.empty() ? std::string() : fmt::format("  {}{}{}", st.dim(), terminal_safe(f.file), st.reset());
      out << '\n' << st.bold() << terminal_safe(f.object.display()) << st.reset() << where << '\n';
    }
    out << "  " << st.paint(f.severity) << fmt::format("{:<8}", upper(rules::severity_name(f.severity))) << st.reset()
        << ' ' << f.rule_id << "  " << terminal_safe(f.message);
    if (f.suppressed) out << st.dim() << "  [suppressed: " << terminal_safe(f.suppression) << ']' << st.reset();
    out << '\n';
    std::string loc = location(f);
    out << "           " << st.dim() << terminal_safe(f.path);
    if (!f.container.empty()) {
      out << "  [container " << terminal_safe(f.container) << ", " << terminal_safe(f.container_role) << ']';
    }
    if (!loc.empty()) out << "  (" << loc << ')';
    out << st.reset() << '\n';
    for (const auto& d : f.details) {
      out << "           " << st.dim() << terminal_safe(d.key) << ": " << terminal_safe(d.value) << st.reset() << '\n';
    }
  }
  if (!r.errors.empty()) {
    out << '\n' << st.bold() << "Errors" << st.reset() << '\n';
    for (const auto& e : r.errors) out << "  " << terminal_safe(doc::format_error(e)) << '\n';
  }
  if (!r.notices.empty()) {
    out << '\n' << st.bold() << "Notes" << st.reset() << '\n';
    for (const auto& n : r.notices) out << "  " << terminal_safe(n) << '\n';
  }
  const auto& s = r.summary;
  static constexpr std::array kOrder = {rules::Severity::Critical, rules::Severity::High, rules::Severity::Medium,
                                        rules::Severity::Low, rules::Severity::Info};
  std::string counts;
  for (auto sev : kOrder) {
    size_t n = s.by_severity[static_cast<size_t>(sev)];
    if (n == 0) continue;
    if (!counts.empty()) counts += ", ";
    counts += fmt::format("{} {}", n, rules::severity_name(sev));
  }
  out << '\n'
      << st.bold()
      << fmt::format(
             "{} files, {} objects: {} findings{}, {} suppressed, {} errors, {} documents skipped "
             "(no apiVersion/kind)",
             s.files, s.objects, s.findings(), counts.empty() ? "" : " (" + counts + ")", s.suppressed, s.errors,
             s.skipped_documents)
      << st.reset() << '\n';
}

}  // namespace kg::report
