// Same object, same verdict: every pod and workload of a set (one object of
// each pod-bearing kind written for this test, workloads of custom resources
// (an Argo Rollout, an OpenShift DeploymentConfig, a Knative Service), the
// Pod Security Standards fixtures and the workloads of the manifest corpus)
// goes through
//   scan       `engine::scan` over the files, as `kubeguard scan` runs it,
//   admission  a CREATE AdmissionReview through the webhook's handler,
//   audit      the create event the API server logs (requestObject and
//              responseObject), through the audit detector; and a real log
//              the test control plane wrote for the same objects, through
//              `kubeguard audit`,
//   watch      the change monitor fed the object as a new one,
// and each front must report every rule scan reports on the object (a front
// may add its own: KG-AUD alerts, drift). The audit and the watch must give
// each finding the fingerprint scan gives it.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "admission/review_support.h"
#include "audit/alert.h"
#include "audit/audit_test_util.h"
#include "audit/detector.h"
#include "doc/json_loader.h"
#include "doc/source.h"
#include "engine/scanner.h"
#include "engine/watch/change_monitor.h"
#include "fronts/server/handler.h"
#include "k8s/kinds.h"
#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "rules/fingerprint.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kDefaultNamespace = "verdict";

// One object of the set, and what each front reported on it.
struct Subject {
  // Where it is served: its row of the table of kinds, or for a custom
  // resource (no row) its apiVersion's group and version and the plural the
  // API server would give its kind.
  std::string group;
  std::string version;
  std::string resource;
  std::string file;
  std::string kind;
  std::string name_space;  // the manifest's, else kDefaultNamespace
  std::string name;
  std::string json;  // the object as the API server would receive it
  std::set<std::string> scan_rules;
  std::set<std::string> scan_fingerprints;
  std::map<std::string, std::string> described;  // fingerprint -> rule, container and path, for a failure's message

  std::string label() const { return fmt::format("{} {}/{} ({})", kind, name_space, name, file); }
};

std::string key_of(std::string_view file, std::string_view kind, std::string_view name) {
  return fmt::format("{}|{}|{}", file, kind, name);
}

// The rules each front runs on one object: not the inventory rules, which
// need the whole input (network policy coverage, RBAC) and run only in scan.
bool object_rule(std::string_view id) {
  const rules::RuleEntry* entry = catalog().find(id);
  return entry != nullptr && entry->scope != rules::RuleScope::Inventory;
}

std::string fingerprint_in(rules::Finding f, std::string_view name_space) {
  if (f.object.name_space.empty()) f.object.name_space = std::string(name_space);
  return rules::fingerprint(f);
}

std::vector<std::string> inputs() {
  std::vector<std::string> files = {source("tests/data/same-verdict/workloads.yaml"),
                                    source("tests/data/system-namespace/hidden.yaml"),
                                    source("tests/data/crd-workloads")};
  for (std::string_view dir : {"psa-fixtures/baseline/v1.0/fail", "psa-fixtures/restricted/v1.25/fail", "manifests"}) {
    if (fs::exists(corpus(dir))) files.push_back(corpus(dir));
  }
  return files;
}

// Every pod-bearing object of the inputs, with scan's verdict on it.
std::vector<Subject> subjects() {
  std::vector<Subject> out;
  std::map<std::string, size_t> index;
  doc::InputSet set = doc::expand_inputs(inputs());
  for (const auto& file : set.files) {
    doc::load_input(
        file,
        [&](doc::Document&& document) {
          k8s::Extraction extraction;
          k8s::extract_objects(document, extraction);
          for (const auto& object : extraction.objects) {
            const k8s::KindInfo* info = k8s::find_kind(object.ref.api_version, object.ref.kind);
            // Kinds of the table that carry a pod, and custom resources that keep a pod template.
            if ((info != nullptr && !info->carries_pod()) || !k8s::pod_spec_of(object)) continue;
            std::string key = key_of(file, object.ref.kind, object.ref.name);
            if (index.contains(key)) continue;  // the same name twice in one file: ambiguous, left out
            Subject s;
            if (info != nullptr) {
              s.group = std::string(info->group());
              s.version = std::string(info->version());
              s.resource = std::string(info->resource);
            } else {
              // Only a custom resource's group (dotted) can serve a kind the
              // table does not know; "v1" DeploymentConfigs of old OpenShift
              // manifests would be refused by the API server, so no other
              // front ever sees them.
              std::string_view api_version = object.ref.api_version;
              size_t slash = api_version.find('/');
              if (slash == std::string_view::npos || api_version.substr(0, slash).find('.') == std::string_view::npos) {
                continue;
              }
              s.group = std::string(api_version.substr(0, slash));
              s.version = std::string(api_version.substr(slash + 1));
              for (char c : object.ref.kind)
                s.resource += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
              s.resource += 's';
            }
            s.file = file;
            s.kind = object.ref.kind;
            s.name_space = object.ref.name_space.empty() ? std::string(kDefaultNamespace) : object.ref.name_space;
            s.name = object.ref.name;
            s.json = node_json(*object.root);
            index.emplace(std::move(key), out.size());
            out.push_back(std::move(s));
          }
        },
        [](doc::LoadError&&) {});
  }
  // Scan, as `kubeguard scan` runs it over the same files.
  engine::ScanRequest request;
  request.inputs = inputs();
  request.threads = 1;
  engine::ScanResult result = engine::scan(request, catalog(), engine::Config{});
  for (const auto& f : result.findings) {
    if (f.suppressed || !object_rule(f.rule_id)) continue;
    auto it = index.find(key_of(f.file, f.object.kind, f.object.name));
    if (it == index.end()) continue;
    Subject& s = out[it->second];
    s.scan_rules.insert(f.rule_id);
    std::string print = fingerprint_in(f, s.name_space);
    s.described[print] = fmt::format("{} {} {}", f.rule_id, f.container, f.path);
    s.scan_fingerprints.insert(std::move(print));
  }
  return out;
}

const std::vector<Subject>& all_subjects() {
  static const std::vector<Subject> kSubjects = subjects();
  return kSubjects;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (!text.empty()) {
    size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return parts;
}

std::string describe(const Subject& s, const std::vector<std::string>& prints) {
  std::string out;
  for (const auto& p : prints) out += fmt::format("\n  {}: {}", p, s.described.count(p) ? s.described.at(p) : "?");
  return out;
}

// The rules scan reported that a front did not: must stay empty.
std::vector<std::string> lost(const std::set<std::string>& scan, const std::set<std::string>& front) {
  std::vector<std::string> missing;
  std::set_difference(scan.begin(), scan.end(), front.begin(), front.end(), std::back_inserter(missing));
  return missing;
}

TEST(SameVerdict, TheSetHoldsEveryKindAndWhatTheRulesRead) {
  const auto& set = all_subjects();
  std::set<std::string> kinds;
  std::set<std::string> rules_seen;
  for (const auto& s : set) {
    kinds.insert(s.kind);
    rules_seen.insert(s.scan_rules.begin(), s.scan_rules.end());
  }
  // Every kind of the table that runs pods (a Pod, or a controller of pods),
  // and workloads of custom resources the table does not know.
  for (const auto& row : k8s::kinds()) {
    if (row.runs_pods()) {
      EXPECT_TRUE(kinds.contains(std::string(row.kind))) << row.kind;
    }
  }
  for (std::string_view custom : {"Rollout", "DeploymentConfig"}) {
    EXPECT_TRUE(kinds.contains(std::string(custom))) << custom;
  }
  EXPECT_TRUE(std::any_of(set.begin(), set.end(), [](const Subject& s) {
    return s.kind == "Service" && s.group == "serving.knative.dev";
  })) << "a Knative Service";
  // privileged, hostPath, runs as root, capabilities, host namespaces, an
  // injected sidecar's container: the verdicts the fronts must agree on.
  for (std::string_view id : {"KG-POD-001", "KG-POD-003", "KG-POD-005", "KG-POD-007", "KG-POD-008", "KG-POD-009",
                              "KG-POD-010", "KG-POD-011", "KG-POD-012", "KG-POD-021"}) {
    EXPECT_TRUE(rules_seen.contains(std::string(id))) << id;
  }
  EXPECT_GE(set.size(), 12u);
}

TEST(SameVerdict, AdmissionReportsEveryRuleScanReports) {
  engine::Config config;
  config.fail_on = rules::Severity::Info;  // every finding counts, so every rule is named
  admission::Settings settings;
  settings.mode = admission::Mode::Audit;
  settings.exempt_namespaces.clear();
  // The handler's log line names every rule of the decision (the response
  // itself cuts its list to what kubectl shows).
  std::string line;
  server::Handler handler(catalog(), config, settings, [&](std::string_view l) { line = std::string(l); });
  for (const auto& s : all_subjects()) {
    SCOPED_TRACE(s.label());
    ReviewSpec spec;
    spec.group = s.group;
    spec.version = s.version;
    spec.kind = s.kind;
    spec.resource = s.resource;
    spec.name_space = s.name_space;
    spec.name = s.name;
    spec.object_json = s.json;
    line.clear();
    server::HttpReply reply = handler.handle("POST", "/validate", review_json(spec));
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_NE(reply.body.find(s.scan_rules.empty() ? "\"allowed\":true" : "would-deny"), std::string::npos)
        << reply.body;
    size_t at = line.find(" rules=");
    ASSERT_NE(at, std::string::npos) << line;
    std::string_view listed = std::string_view(line).substr(at + 7);
    listed = listed.substr(0, listed.find(' '));
    std::set<std::string> front;
    // "KG-POD-001:critical,KG-POD-003:high,..."
    for (std::string_view item : split(listed, ',')) front.insert(std::string(item.substr(0, item.find(':'))));
    EXPECT_EQ(lost(s.scan_rules, front), std::vector<std::string>{}) << "admission lost these rules";
  }
}

std::vector<audit::Alert> audit_create(audit::Detector& detector, const Subject& s) {
  Ev ev;
  ev.verb = "create";
  ev.resource = s.resource;
  ev.group = s.group;
  ev.version = s.version;
  ev.ns = s.name_space;
  ev.name = s.name;
  ev.code = 201;
  ev.request = ev.response = s.json;
  ev.id = "sv-" + s.name;
  audit::DetectResult result = detector.process_json(ev.json());
  EXPECT_TRUE(result.error.empty()) << result.error;
  return std::move(result.alerts);
}

TEST(SameVerdict, AuditReportsEveryRuleScanReportsWithTheSameFingerprint) {
  for (const auto& s : all_subjects()) {
    SCOPED_TRACE(s.label());
    // A detector per object: the first replica of a template speaks for the
    // rest, and these objects share names across the fixture directories.
    audit::Detector detector(catalog(), engine::Config{});
    std::set<std::string> front;
    std::set<std::string> prints;
    for (const auto& alert : audit_create(detector, s)) {
      if (alert.suppressed) continue;
      front.insert(alert.rule_id);
      prints.insert(rules::fingerprint(audit::finding_of(alert)));
    }
    EXPECT_EQ(lost(s.scan_rules, front), std::vector<std::string>{}) << "audit lost these rules";
    EXPECT_EQ(lost(s.scan_fingerprints, prints), std::vector<std::string>{})
        << "audit fingerprints differ:" << describe(s, lost(s.scan_fingerprints, prints));
  }
}

TEST(SameVerdict, WatchReportsEveryRuleScanReportsWithTheSameFingerprint) {
  engine::Config config;
  for (const auto& s : all_subjects()) {
    SCOPED_TRACE(s.label());
    engine::watch::ChangeMonitor monitor(catalog(), config, "watch");
    engine::watch::ObjectChange change;
    change.change = engine::watch::Change::Added;
    change.kind = s.kind;
    change.key = fmt::format("{}/{}", s.name_space, s.name);
    doc::parse_json_stream(
        s.json, "watch", [&](doc::Document&& d) { change.object = std::move(d.root); }, [](doc::LoadError&&) {});
    std::set<std::string> front;
    std::set<std::string> prints;
    for (const auto& f : monitor.apply(std::move(change))) {
      front.insert(f.rule_id);
      prints.insert(fingerprint_in(f, s.name_space));
    }
    EXPECT_EQ(lost(s.scan_rules, front), std::vector<std::string>{}) << "the watch lost these rules";
    EXPECT_EQ(lost(s.scan_fingerprints, prints), std::vector<std::string>{})
        << "watch fingerprints differ:" << describe(s, lost(s.scan_fingerprints, prints));
  }
}

// The log the test control plane wrote when these objects were created with
// kubectl (tests/data/same-verdict/apiserver-audit.log): the API server's own
// events, its defaults applied to requestObject, read by `kubeguard audit`.
TEST(SameVerdict, ARealApiServerLogGetsTheVerdictScanGives) {
  const std::string log = source("tests/data/same-verdict/apiserver-audit.log");
  std::string out;
  int code = run_kubeguard("audit -q -f json " + log, &out);
  ASSERT_TRUE(code == 0 || code == 1) << out;
  // resource/namespace/name -> rules reported on it.
  std::map<std::string, std::set<std::string>> reported;
  doc::parse_json_stream(
      out, "alerts",
      [&](doc::Document&& d) {
        const doc::Node* suppressed = d.root.get("suppressed");
        if (suppressed != nullptr && suppressed->str() == "true") return;
        const doc::Node* ref = d.root.get("objectRef");
        std::string key = fmt::format("{}/{}/{}", k8s::string_at(ref, "resource"), k8s::string_at(ref, "namespace"),
                                      k8s::string_at(ref, "name"));
        reported[key].insert(std::string(k8s::string_at(&d.root, "rule")));
      },
      [](doc::LoadError&& e) { ADD_FAILURE() << e.message; });
  // Every object a user created in the log, found by name among the set.
  std::set<std::string> created;
  doc::parse_json_stream(
      read_file(log), "log",
      [&](doc::Document&& d) {
        if (k8s::string_at(d.root.find({"user"}), "username") == "kubeguard-admin") {
          const doc::Node* ref = d.root.get("objectRef");
          created.insert(fmt::format("{}/{}/{}", k8s::string_at(ref, "resource"), k8s::string_at(ref, "namespace"),
                                     k8s::string_at(ref, "name")));
        }
      },
      [](doc::LoadError&&) {});
  size_t compared = 0;
  for (const auto& s : all_subjects()) {
    const bool own = s.file.ends_with("same-verdict/workloads.yaml");
    const bool baseline = s.file.find("psa-fixtures/baseline/v1.0/fail") != std::string::npos;
    if (!own && !baseline) continue;
    // The baseline fixtures were created in their own namespace (they name none).
    std::string ns = own ? s.name_space : "verdict-baseline";
    std::string key = fmt::format("{}/{}/{}", s.resource, ns, s.name);
    if (!created.contains(key)) continue;  // refused by the API server (a name it does not accept)
    SCOPED_TRACE(s.label());
    ++compared;
    EXPECT_EQ(lost(s.scan_rules, reported[key]), std::vector<std::string>{}) << "audit of the real log lost these";
  }
  EXPECT_GE(compared, 30u);
}

// Roles, bindings and certificate signing requests, one at a time: scan of a
// file that holds the object alone (the RBAC rules judge a binding to a
// built-in role by the role's content, a role by its rules), admission's
// review of it, the watch seeing it created. Every rule scan reports, every
// front reports, at the same severity.
TEST(SameVerdict, RolesBindingsAndCertificateRequestsAloneGetScansVerdictEverywhere) {
  std::vector<std::string> objects;  // as JSON
  for (const std::string& file :
       {source("examples/demo/rbac.yaml"), source("examples/rbac/weak-sa.yaml"),
        source("tests/data/csr/privileged.yaml"), source("tests/data/csr/ordinary.yaml"),
        corpus("manifests/argo-cd/manifests/install.yaml"), corpus("manifests/vault-k8s/deploy/injector-rbac.yaml")}) {
    doc::load_input(
        file,
        [&](doc::Document&& document) {
          k8s::Extraction extraction;
          k8s::extract_objects(document, extraction);
          for (const auto& object : extraction.objects) {
            const k8s::KindInfo* info = k8s::find_kind(object.ref.api_version, object.ref.kind);
            if (info != nullptr && info->read_by(k8s::kAdmission) && !info->carries_pod()) {
              objects.push_back(node_json(*object.root));
            }
          }
        },
        [](doc::LoadError&& e) { ADD_FAILURE() << e.message; });
  }
  engine::Config config;
  config.fail_on = rules::Severity::Info;
  admission::Settings settings;
  settings.mode = admission::Mode::Audit;
  settings.exempt_namespaces.clear();
  std::string line;
  server::Handler handler(catalog(), config, settings, [&](std::string_view l) { line = std::string(l); });
  const engine::Config watch_config;  // the monitor keeps a reference
  size_t with_findings = 0;
  std::set<std::string> rules_seen;
  for (const std::string& json : objects) {
    std::set<std::string> scan;
    engine::ScanResult scanned = scan_text(json);
    for (const auto& f : scanned.findings) {
      if (!f.suppressed) scan.insert(f.rule_id + ":" + std::string(rules::severity_name(f.severity)));
    }
    ASSERT_EQ(scanned.summary.objects, 1u) << json;
    std::string kind;
    std::string name_space;
    std::string name;
    doc::Node root;
    doc::parse_json_stream(
        json, "object", [&](doc::Document&& d) { root = std::move(d.root); }, [](doc::LoadError&&) {});
    kind = std::string(k8s::string_at(&root, "kind"));
    name_space = std::string(k8s::string_at(root.get("metadata"), "namespace"));
    name = std::string(k8s::string_at(root.get("metadata"), "name"));
    const k8s::KindInfo* info = k8s::find_kind(k8s::string_at(&root, "apiVersion"), kind);
    SCOPED_TRACE(kind + " " + name_space + "/" + name);
    with_findings += !scan.empty();
    for (const auto& r : scan) rules_seen.insert(r.substr(0, r.find(':')));

    ReviewSpec spec;
    spec.group = std::string(info->group());
    spec.version = std::string(info->version());
    spec.kind = kind;
    spec.resource = std::string(info->resource);
    spec.name_space = name_space;
    spec.name = name;
    spec.object_json = json;
    line.clear();
    server::HttpReply reply = handler.handle("POST", "/validate", review_json(spec));
    ASSERT_EQ(reply.status, 200) << reply.body;
    size_t at = line.find(" rules=");
    ASSERT_NE(at, std::string::npos) << line;
    std::string_view listed = std::string_view(line).substr(at + 7);
    listed = listed.substr(0, listed.find(' '));
    std::set<std::string> admission;
    for (std::string_view item : split(listed, ',')) {
      if (item != "-") admission.insert(std::string(item));
    }
    // The log names each rule once, at its highest severity.
    std::set<std::string> scan_highest;
    for (const auto& r : scan) {
      std::string id = r.substr(0, r.find(':'));
      auto same = std::find_if(scan_highest.begin(), scan_highest.end(),
                               [&](const std::string& x) { return x.starts_with(id + ":"); });
      if (same == scan_highest.end()) {
        scan_highest.insert(r);
      } else if (rules::parse_severity(r.substr(r.find(':') + 1)) >
                 rules::parse_severity(same->substr(same->find(':') + 1))) {
        scan_highest.erase(same);
        scan_highest.insert(r);
      }
    }
    EXPECT_EQ(admission, scan_highest) << "admission";

    engine::watch::ChangeMonitor monitor(catalog(), watch_config, "watch");
    engine::watch::ObjectChange change;
    change.change = engine::watch::Change::Added;
    change.kind = kind;
    change.key = name_space.empty() ? name : name_space + "/" + name;
    change.object = std::move(root);
    std::set<std::string> watch;
    for (const auto& f : monitor.apply(std::move(change))) {
      watch.insert(f.rule_id + ":" + std::string(rules::severity_name(f.severity)));
    }
    EXPECT_EQ(watch, scan) << "watch";
  }
  EXPECT_GE(objects.size(), 25u);
  EXPECT_GE(with_findings, 6u);
  for (std::string_view id : {"KG-RBAC-014", "KG-SEC-004"}) EXPECT_TRUE(rules_seen.contains(std::string(id))) << id;
}

TEST(SameVerdict, ALostRuleIsCaught) {
  // The comparison itself: a front that drops one of scan's rules fails.
  EXPECT_EQ(lost({"KG-POD-001", "KG-POD-003"}, {"KG-POD-001", "KG-AUD-017"}), std::vector<std::string>{"KG-POD-003"});
  EXPECT_TRUE(lost({"KG-POD-001"}, {"KG-POD-001", "KG-DRIFT-001"}).empty());
}

}  // namespace
}  // namespace kg::testing
