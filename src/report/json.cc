// The JSON report; its schema is documented in docs/report-json.md and
// versioned by schemaVersion.
#include <array>
#include <map>
#include <memory>

#include "report/report.h"
#include "util/json_writer.h"

namespace kg::report {
namespace {

constexpr std::string_view kSchemaVersion = "1.0";

void write_object_ref(util::JsonWriter& w, const k8s::ObjectRef& ref) {
  w.key("object").begin_object();
  w.field("apiVersion", std::string_view(ref.api_version));
  w.field("kind", std::string_view(ref.kind));
  w.field("namespace", std::string_view(ref.name_space));
  w.field("name", std::string_view(ref.name));
  w.end_object();
}

// A rule's texts, escaped once: every finding of the rule repeats them.
struct EscapedRule {
  std::string slug;
  std::string title;
  std::string remediation;
};

class RuleTexts {
 public:
  explicit RuleTexts(const rules::Catalog& catalog) : catalog_(catalog) {}

  const EscapedRule* find(std::string_view rule_id) {
    auto it = cache_.find(rule_id);
    if (it != cache_.end()) return it->second.get();
    const rules::RuleEntry* rule = catalog_.find(rule_id);
    std::unique_ptr<EscapedRule> texts;
    if (rule != nullptr) {
      texts = std::make_unique<EscapedRule>(EscapedRule{util::json_escaped(rule->meta->slug),
                                                        util::json_escaped(rule->meta->title),
                                                        util::json_escaped(rule->meta->remediation)});
    }
    const EscapedRule* found = texts.get();
    cache_.emplace(std::string(rule_id), std::move(texts));
    return found;
  }

 private:
  const rules::Catalog& catalog_;
  std::map<std::string, std::unique_ptr<EscapedRule>, std::less<>> cache_;
};

void write_finding(util::JsonWriter& w, const rules::Finding& f, RuleTexts& texts) {
  const EscapedRule* rule = texts.find(f.rule_id);
  w.begin_object();
  w.field("rule", std::string_view(f.rule_id));
  if (rule != nullptr) {
    w.key("slug").escaped_value(rule->slug);
    w.key("title").escaped_value(rule->title);
  }
  w.field("severity", rules::severity_name(f.severity));
  write_object_ref(w, f.object);
  w.field("container", std::string_view(f.container));
  w.field("containerRole", std::string_view(f.container_role));
  w.field("path", std::string_view(f.path));
  w.field("file", std::string_view(f.file));
  w.field("line", f.mark.line);
  w.field("column", f.mark.column);
  w.field("message", std::string_view(f.message));
  if (rule != nullptr) w.key("remediation").escaped_value(rule->remediation);
  w.field("suppressed", f.suppressed);
  if (f.suppressed) w.field("suppression", std::string_view(f.suppression));
  if (!f.details.empty()) {
    w.key("details").begin_object();
    for (const auto& d : f.details) w.field(d.key, std::string_view(d.value));
    w.end_object();
  }
  w.end_object();
}

}  // namespace

struct JsonReportStream::State {
  util::JsonWriter writer;
  RuleTexts texts;
  State(std::ostream& out, const rules::Catalog& c) : writer(out), texts(c) {}
};

JsonReportStream::JsonReportStream(std::ostream& out, const rules::Catalog& catalog)
    : state_(std::make_unique<State>(out, catalog)) {
  util::JsonWriter& w = state_->writer;
  w.begin_object();
  w.field("schemaVersion", kSchemaVersion);
  w.key("tool").begin_object().field("name", "kubeguard").field("version", KG_VERSION).end_object();
  w.key("findings").begin_array();
}

JsonReportStream::~JsonReportStream() = default;

void JsonReportStream::add(std::span<const rules::Finding> findings) {
  for (const auto& f : findings) write_finding(state_->writer, f, state_->texts);
}

void JsonReportStream::finish(const engine::ScanResult& r, rules::Severity fail_on, int exit_code, bool fail_never) {
  util::JsonWriter& w = state_->writer;
  w.end_array();
  w.key("errors").begin_array();
  for (const auto& e : r.errors) {
    w.begin_object();
    w.field("code", doc::error_code_name(e.code));
    w.field("file", std::string_view(e.file));
    w.field("line", e.mark.line);
    w.field("column", e.mark.column);
    w.field("message", std::string_view(e.message));
    w.end_object();
  }
  w.end_array();
  w.key("notices").begin_array();
  for (const auto& n : r.notices) w.value(std::string_view(n));
  w.end_array();
  const auto& s = r.summary;
  w.key("summary").begin_object();
  w.field("files", static_cast<uint64_t>(s.files));
  w.field("excludedFiles", static_cast<uint64_t>(s.excluded_files));
  w.field("documents", static_cast<uint64_t>(s.documents));
  w.field("objects", static_cast<uint64_t>(s.objects));
  w.field("skippedDocuments", static_cast<uint64_t>(s.skipped_documents));
  w.field("errors", static_cast<uint64_t>(s.errors));
  w.field("findings", static_cast<uint64_t>(s.findings()));
  w.field("suppressed", static_cast<uint64_t>(s.suppressed));
  w.key("bySeverity").begin_object();
  static constexpr std::array kOrder = {rules::Severity::Critical, rules::Severity::High, rules::Severity::Medium,
                                        rules::Severity::Low, rules::Severity::Info};
  for (auto sev : kOrder) {
    w.field(rules::severity_name(sev), static_cast<uint64_t>(s.by_severity[static_cast<size_t>(sev)]));
  }
  w.end_object();
  w.field("failOn", fail_never ? std::string_view("none") : rules::severity_name(fail_on));
  w.field("exitCode", exit_code);
  w.end_object();
  w.end_object();
  w.flush();
}

void write_json(const ReportInput& input, std::ostream& out) {
  JsonReportStream stream(out, input.catalog);
  stream.add(input.result.findings);
  stream.finish(input.result, input.fail_on, input.exit_code, input.fail_never);
}

}  // namespace kg::report
