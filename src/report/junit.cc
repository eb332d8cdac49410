// The JUnit XML report, for CI systems that show test results (GitLab,
// Jenkins, Azure Pipelines): one <testsuite> per input file, one <testcase>
// per object and rule that has findings, one per load error, and a "scan"
// case that always passes so a clean scan is a passing run, not an empty
// one. docs/report-junit.md describes the mapping.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "report/report.h"
#include "report/sarif_fields.h"
#include "report/xml_escape.h"

namespace kg::report {
namespace {

constexpr std::string_view kNoFile = "(no file)";

struct Case {
  std::string classname;
  std::string name;
  std::string file;
  std::vector<const rules::Finding*> findings;
  const doc::LoadError* error = nullptr;

  bool failed() const {
    return std::any_of(findings.begin(), findings.end(), [](const auto* f) { return !f->suppressed; });
  }
  bool skipped() const { return error == nullptr && !failed(); }
};

struct Suite {
  std::string name;
  std::vector<Case> cases;
  std::unordered_map<std::string, size_t> case_index;

  size_t failures() const {
    return static_cast<size_t>(std::count_if(cases.begin(), cases.end(), [](const Case& c) { return c.failed(); }));
  }
  size_t errors() const {
    return static_cast<size_t>(
        std::count_if(cases.begin(), cases.end(), [](const Case& c) { return c.error != nullptr; }));
  }
  size_t skipped() const {
    return static_cast<size_t>(std::count_if(cases.begin(), cases.end(), [](const Case& c) { return c.skipped(); }));
  }
};

struct Counts {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
};

class Builder {
 public:
  explicit Builder(const rules::Catalog& catalog) : catalog_(catalog) {}

  void add(const rules::Finding& f) {
    Suite& suite = suite_for(f.file);
    std::string key = fmt::format("{}\x1f{}\x1f{}", f.object.api_version, sarif::object_key(f.object), f.rule_id);
    auto [it, inserted] = suite.case_index.try_emplace(key, suite.cases.size());
    if (inserted) {
      const rules::RuleEntry* rule = catalog_.find(f.rule_id);
      Case c;
      c.classname = sarif::object_key(f.object);
      c.name = rule != nullptr ? fmt::format("{} {}", f.rule_id, rule->meta->slug) : f.rule_id;
      c.file = f.file;
      suite.cases.push_back(std::move(c));
    }
    suite.cases[it->second].findings.push_back(&f);
  }

  void add(const doc::LoadError& e) {
    Suite& suite = suite_for(e.file);
    Case c;
    c.classname = e.file.empty() ? std::string(kNoFile) : e.file;
    c.name = e.mark.line == 0 ? fmt::format("load error: {}", doc::error_code_name(e.code))
                              : fmt::format("load error: {} at line {}, column {}", doc::error_code_name(e.code),
                                            e.mark.line, e.mark.column);
    c.file = e.file;
    c.error = &e;
    suite.cases.push_back(std::move(c));
  }

  std::vector<Suite>& suites() { return suites_; }

 private:
  Suite& suite_for(const std::string& file) {
    const std::string& name = file.empty() ? no_file_ : file;
    auto [it, inserted] = suite_index_.try_emplace(name, suites_.size());
    if (inserted) suites_.push_back(Suite{name, {}, {}});
    return suites_[it->second];
  }

  const rules::Catalog& catalog_;
  const std::string no_file_{kNoFile};
  std::vector<Suite> suites_;
  std::unordered_map<std::string, size_t> suite_index_;
};

std::string location(const std::string& file, doc::Mark mark) {
  if (file.empty()) return {};
  if (mark.line == 0) return file;
  return fmt::format("{}:{}:{}", file, mark.line, mark.column);
}

std::string failure_body(const Case& c, const rules::Catalog& catalog) {
  std::string body;
  for (const auto* f : c.findings) {
    body += fmt::format("[{}] {} {}", rules::severity_name(f->severity), f->rule_id, f->message);
    if (f->suppressed) body += fmt::format(" [suppressed: {}]", f->suppression);
    body += '\n';
    std::string where = location(f->file, f->mark);
    body += fmt::format("  at {}{}{}\n", where, where.empty() ? "" : " ", f->path);
    if (!f->container.empty()) body += fmt::format("  container {} ({})\n", f->container, f->container_role);
    for (const auto& d : f->details) body += fmt::format("  {}: {}\n", d.key, d.value);
  }
  if (const auto* rule = catalog.find(c.findings.front()->rule_id)) {
    body += fmt::format("Remediation: {}\n", rule->meta->remediation);
  }
  return body;
}

void write_failure(std::ostream& out, const Case& c, const rules::Catalog& catalog) {
  const rules::Finding* worst = nullptr;
  size_t open = 0;
  for (const auto* f : c.findings) {
    if (f->suppressed) continue;
    ++open;
    if (worst == nullptr || f->severity > worst->severity) worst = f;
  }
  std::string message = worst->message;
  if (open > 1) message += fmt::format(" (and {} more)", open - 1);
  out << "      <failure message=\"" << xml_attribute(message) << "\" type=\"" << rules::severity_name(worst->severity)
      << "\">";
  xml_escape_text(out, failure_body(c, catalog));
  out << "</failure>\n";
}

void write_case(std::ostream& out, const Case& c, const rules::Catalog& catalog) {
  out << "    <testcase classname=\"" << xml_attribute(c.classname) << "\" name=\"" << xml_attribute(c.name) << '"';
  if (!c.file.empty()) out << " file=\"" << xml_attribute(c.file) << '"';
  out << " time=\"0\">\n";
  if (c.error != nullptr) {
    const auto& e = *c.error;
    out << "      <error message=\"" << xml_attribute(e.message) << "\" type=\"" << doc::error_code_name(e.code)
        << "\">";
    xml_escape_text(out, doc::format_error(e));
    out << "</error>\n";
  } else if (c.failed()) {
    write_failure(out, c, catalog);
  } else {
    // Every finding of the case is suppressed: counted, shown, not failed.
    const auto* f = c.findings.front();
    out << "      <skipped message=\"" << xml_attribute("suppressed: " + f->suppression) << "\"/>\n";
  }
  out << "    </testcase>\n";
}

void write_counts(std::ostream& out, const Counts& n) {
  out << fmt::format(R"( tests="{}" failures="{}" errors="{}" skipped="{}" time="0")", n.tests, n.failures, n.errors,
                     n.skipped);
}

void write_summary_suite(std::ostream& out, const ReportInput& input) {
  const auto& s = input.result.summary;
  out << "  <testsuite name=\"kubeguard\"";
  write_counts(out, Counts{1, 0, 0, 0});
  out << ">\n    <properties>\n";
  auto property = [&](std::string_view name, const std::string& value) {
    out << "      <property name=\"" << name << "\" value=\"" << xml_attribute(value) << "\"/>\n";
  };
  property("version", KG_VERSION);
  property("files", std::to_string(s.files));
  property("documents", std::to_string(s.documents));
  property("objects", std::to_string(s.objects));
  property("skippedDocuments", std::to_string(s.skipped_documents));
  property("findings", std::to_string(s.findings()));
  property("suppressed", std::to_string(s.suppressed));
  property("errors", std::to_string(s.errors));
  property("failOn", input.fail_never ? std::string("none") : std::string(rules::severity_name(input.fail_on)));
  property("exitCode", std::to_string(input.exit_code));
  out << "    </properties>\n";
  out << "    <testcase classname=\"kubeguard\" name=\"scan\" time=\"0\">\n      <system-out>";
  xml_escape_text(out, fmt::format("{} files, {} objects: {} findings, {} suppressed, {} errors", s.files, s.objects,
                                   s.findings(), s.suppressed, s.errors));
  out << "</system-out>\n    </testcase>\n  </testsuite>\n";
}

}  // namespace

void write_junit(const ReportInput& input, std::ostream& out) {
  Builder builder(input.catalog);
  for (const auto& f : input.result.findings) builder.add(f);
  for (const auto& e : input.result.errors) builder.add(e);

  Counts total{1, 0, 0, 0};  // the summary suite's passing "scan" case
  for (const auto& suite : builder.suites()) {
    total.tests += suite.cases.size();
    total.failures += suite.failures();
    total.errors += suite.errors();
    total.skipped += suite.skipped();
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kubeguard\"";
  write_counts(out, total);
  out << ">\n";
  write_summary_suite(out, input);
  for (const auto& suite : builder.suites()) {
    out << "  <testsuite name=\"" << xml_attribute(suite.name) << '"';
    write_counts(out, Counts{suite.cases.size(), suite.failures(), suite.errors(), suite.skipped()});
    out << ">\n";
    for (const auto& c : suite.cases) write_case(out, c, input.catalog);
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace kg::report
