// Policy reports, the format policy engines share in a cluster:
// wgpolicyk8s.io/v1alpha2 PolicyReport (one per namespace) and
// ClusterPolicyReport (cluster-scoped objects), or the openreports.io/v1alpha1
// Report and ClusterReport kinds with the same fields. Written as one v1 List
// in JSON, which `kubectl apply -f` and every YAML reader take as it is.
#include "report/policy_report.h"

#include <cctype>
#include <map>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "util/json_writer.h"

namespace kg::report {
namespace {

struct Kinds {
  std::string_view api_version;
  std::string_view namespaced;
  std::string_view cluster;
};

constexpr Kinds kWgPolicy{"wgpolicyk8s.io/v1alpha2", "PolicyReport", "ClusterPolicyReport"};
constexpr Kinds kOpenReports{"openreports.io/v1alpha1", "Report", "ClusterReport"};

// The reports' name: one per namespace, so a later scan replaces it.
constexpr std::string_view kReportName = "kubeguard";

// The report's severities are critical, high, medium, low and info: ours.
void write_result(util::JsonWriter& w, const rules::Finding& f, const rules::Catalog& catalog) {
  const rules::RuleEntry* rule = catalog.find(f.rule_id);
  w.begin_object();
  w.field("source", "kubeguard");
  w.field("policy", std::string_view(f.rule_id));
  if (rule != nullptr) {
    w.field("rule", rule->meta->slug);
    w.field("category", rule->meta->family);
  }
  // A suppressed finding was looked at and accepted: skip, not pass.
  w.field("result", f.suppressed ? "skip" : "fail");
  w.field("severity", rules::severity_name(f.severity));
  w.field("scored", true);
  w.field("message", std::string_view(f.message));
  w.key("resources").begin_array().begin_object();
  w.field("apiVersion", std::string_view(f.object.api_version));
  w.field("kind", std::string_view(f.object.kind));
  w.field("name", std::string_view(f.object.name));
  if (!f.object.name_space.empty()) w.field("namespace", std::string_view(f.object.name_space));
  w.end_object().end_array();
  // properties is a map of strings.
  w.key("properties").begin_object();
  w.field("path", std::string_view(f.path));
  if (!f.container.empty()) {
    w.field("container", std::string_view(f.container));
    w.field("containerRole", std::string_view(f.container_role));
  }
  if (!f.file.empty()) {
    w.field("file", std::string_view(f.file));
    if (f.mark.line != 0) w.field("line", std::string_view(fmt::format("{}", f.mark.line)));
  }
  if (f.suppressed) w.field("suppression", std::string_view(f.suppression));
  w.end_object();
  w.end_object();
}

void write_report(util::JsonWriter& w, const Kinds& kinds, std::string_view name_space,
                  const std::vector<const rules::Finding*>& findings, const rules::Catalog& catalog) {
  size_t fail = 0;
  size_t skip = 0;
  for (const auto* f : findings) (f->suppressed ? skip : fail)++;
  w.begin_object();
  w.field("apiVersion", kinds.api_version);
  w.field("kind", name_space.empty() ? kinds.cluster : kinds.namespaced);
  w.key("metadata").begin_object();
  w.field("name", kReportName);
  if (!name_space.empty()) w.field("namespace", name_space);
  w.key("labels").begin_object().field("app.kubernetes.io/managed-by", "kubeguard").end_object();
  w.end_object();
  w.key("summary").begin_object();
  w.field("pass", 0);
  w.field("fail", static_cast<uint64_t>(fail));
  w.field("warn", 0);
  w.field("error", 0);
  w.field("skip", static_cast<uint64_t>(skip));
  w.end_object();
  w.key("results").begin_array();
  for (const auto* f : findings) write_result(w, *f, catalog);
  w.end_array();
  w.end_object();
}

}  // namespace

std::vector<PolicyReportObject> policy_reports(const ReportInput& input, bool open_reports) {
  const Kinds& kinds = open_reports ? kOpenReports : kWgPolicy;
  // Namespace "" holds the cluster-scoped objects (and manifests that name none).
  std::map<std::string, std::vector<const rules::Finding*>> by_namespace;
  for (const auto& f : input.result.findings) by_namespace[f.object.name_space].push_back(&f);
  std::vector<PolicyReportObject> out;
  for (const auto& [ns, findings] : by_namespace) {
    std::ostringstream text;
    {
      util::JsonWriter w(text);
      write_report(w, kinds, ns, findings, input.catalog);
      w.flush();
    }
    PolicyReportObject object;
    object.api_version = std::string(kinds.api_version);
    object.kind = std::string(ns.empty() ? kinds.cluster : kinds.namespaced);
    object.resource = object.kind;
    for (auto& c : object.resource) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    object.resource += 's';
    object.name_space = ns;
    object.name = std::string(kReportName);
    object.json = text.str();
    out.push_back(std::move(object));
  }
  return out;
}

void write_policy_report(const ReportInput& input, std::ostream& out, bool open_reports) {
  out << "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [";
  bool first = true;
  for (const auto& report : policy_reports(input, open_reports)) {
    out << (first ? "\n" : ",\n") << report.json;
    first = false;
  }
  out << "\n  ]\n}\n";
}

}  // namespace kg::report
