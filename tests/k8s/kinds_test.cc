// The table of kinds (k8s/kinds) and every consumer of it: each consumer
// either derives its list from the table or is checked against it here, so a
// new pod-bearing kind is one row and a consumer that misses it fails.
#include "k8s/kinds.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "audit/detect_context.h"
#include "audit/event.h"
#include "cluster/resources.h"
#include "doc/source.h"
#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "rbac/resource_names.h"
#include "rbac/workload_needs.h"
#include "rules/wh/webhook.h"
#include "support/test_support.h"

namespace kg::k8s {
namespace {

std::vector<doc::Document> load(std::string_view yaml) {
  std::vector<doc::Document> docs;
  doc::load_text(
      yaml, "kinds.yaml", [&](doc::Document&& d) { docs.push_back(std::move(d)); },
      [](doc::LoadError&& e) { ADD_FAILURE() << doc::format_error(e); });
  return docs;
}

std::vector<Object> objects_of(const doc::Document& document) {
  Extraction extraction;
  extract_objects(document, extraction);
  return std::move(extraction.objects);
}

// A minimal object of the row's kind with a one-container pod where the row says.
std::string object_with_pod(const KindInfo& kind) {
  std::string pod = "metadata: {labels: {app: x}}\nspec:\n  containers:\n  - {name: app, image: nginx:1.27}\n";
  std::string nested;
  int depth = 0;
  // A kind without a pod gets the shape a custom workload would have: it
  // must still not be read as one.
  auto keys = kind.carries_pod() ? pod_template_keys(kind.pod) : pod_template_keys(PodAt::SpecTemplate);
  for (auto key : keys) {
    nested += std::string(depth * 2, ' ') + std::string(key) + ":\n";
    ++depth;
  }
  std::string body;
  size_t start = 0;
  while (start < pod.size()) {
    size_t end = pod.find('\n', start);
    body += std::string(depth * 2, ' ') + pod.substr(start, end - start) + "\n";
    start = end + 1;
  }
  if (kind.pod == PodAt::Root) {
    return fmt::format(
        "apiVersion: {}\nkind: {}\nmetadata: {{name: x, namespace: ns}}\nspec:\n  containers:\n  - "
        "{{name: app, image: nginx:1.27}}\n",
        kind.api_version, kind.kind);
  }
  return fmt::format("apiVersion: {}\nkind: {}\nmetadata: {{name: x, namespace: ns}}\n{}{}", kind.api_version,
                     kind.kind, nested, body);
}

TEST(KindsTable, RowsAreWellFormed) {
  std::set<std::string_view> seen_kinds;
  std::set<std::pair<std::string_view, std::string_view>> resources;
  for (const auto& k : kinds()) {
    SCOPED_TRACE(std::string(k.kind));
    EXPECT_TRUE(seen_kinds.insert(k.kind).second) << "kind listed twice";
    EXPECT_TRUE(resources.emplace(k.group(), k.resource).second) << "resource listed twice";
    EXPECT_FALSE(k.version().empty());
    EXPECT_TRUE(std::all_of(k.resource.begin(), k.resource.end(), [](char c) { return c >= 'a' && c <= 'z'; }));
    if (k.owns_pods) {
      EXPECT_TRUE(k.carries_pod()) << "a controller of pods has a template";
    }
    if (k.template_fixed) {
      EXPECT_TRUE(k.owns_pods);
    }
    if (!k.made_by.empty()) {
      const KindInfo* maker = find_kind({}, k.made_by);
      ASSERT_NE(maker, nullptr) << k.made_by;
      EXPECT_TRUE(maker->owns_pods);
    }
    EXPECT_EQ(find_kind(k.api_version, k.kind), &k);
    EXPECT_EQ(find_resource(k.group(), k.resource), &k);
    if (!k.legacy_group.empty()) {
      EXPECT_EQ(find_resource(k.legacy_group, k.resource), &k);
    }
  }
  // A kind of the same name in another group is another kind.
  EXPECT_EQ(find_kind("serving.knative.dev/v1", "Service"), nullptr);
  EXPECT_NE(find_kind("v1", "Service"), nullptr);
  EXPECT_NE(find_kind("extensions/v1beta1", "Deployment"), nullptr);
  EXPECT_EQ(find_kind("extensions/v1beta1", "StatefulSet"), nullptr);  // never served there
}

// Pod-spec reading follows the table: every pod-bearing row is read at its
// place, and nothing else is read as a pod.
TEST(KindsTable, PodSpecReadingFollowsTheTable) {
  for (const auto& k : kinds()) {
    SCOPED_TRACE(std::string(k.kind));
    std::string yaml = object_with_pod(k);
    auto docs = load(yaml);
    ASSERT_EQ(docs.size(), 1u) << yaml;
    auto objects = objects_of(docs[0]);
    ASSERT_EQ(objects.size(), 1u);
    std::optional<PodSpecView> pod = pod_spec_of(objects[0]);
    EXPECT_EQ(is_pod_bearing_kind(k.kind), k.carries_pod());
    EXPECT_EQ(is_workload_kind(k.kind), k.owns_pods);
    if (!k.carries_pod()) {
      EXPECT_FALSE(pod.has_value()) << yaml;
      continue;
    }
    ASSERT_TRUE(pod.has_value()) << yaml;
    std::string expected;
    for (auto key : pod_template_keys(k.pod)) expected += std::string(key) + ".";
    EXPECT_EQ(pod->path, expected + "spec");
    ASSERT_EQ(pod->containers.size(), 1u);
    EXPECT_EQ(pod->containers[0].name, "app");
  }
}

// `cluster scan` lists exactly the rows marked for it, in the table's order;
// `cluster watch` watches rows that the client can list.
TEST(KindsTable, ClusterListsAndWatchesTheRowsMarkedForThem) {
  std::vector<std::string_view> expected;
  for (const auto& k : kinds()) {
    if (k.read_by(kClusterScan)) expected.push_back(k.kind);
    if (k.read_by(kClusterWatch)) {
      const cluster::Resource* r = cluster::find_resource(k.resource);
      ASSERT_NE(r, nullptr) << k.kind << " is watched but not listed";
      EXPECT_EQ(r->api_version, k.api_version);
      EXPECT_EQ(r->namespaced, k.namespaced);
    }
  }
  std::vector<std::string_view> listed;
  for (const auto& r : cluster::scan_resources()) listed.push_back(r.kind);
  EXPECT_EQ(listed, expected);
  EXPECT_EQ(listed.front(), "Namespace");  // namespace facts before the workloads in them
}

// Audit decodes events on the rows marked for it, by resource name.
TEST(KindsTable, AuditMapsResourcesThroughTheTable) {
  for (const auto& k : kinds()) {
    SCOPED_TRACE(std::string(k.kind));
    EXPECT_EQ(audit::kind_of_resource(k.resource), k.read_by(kAudit) ? k.kind : std::string_view());
    EXPECT_EQ(audit::is_pod_or_workload(k.resource), k.carries_pod());
  }
  EXPECT_EQ(audit::kind_of_resource("rollouts"), "");
  EXPECT_EQ(audit::kind_of_resource("secrets"), "");
}

// RBAC's "create pods" and "patch workloads" resources: pods and every
// controller; Jobs (fixed template) only for create.
TEST(KindsTable, RbacWorkloadResourcesComeFromTheTable) {
  std::set<std::pair<std::string, std::string>> create;
  for (const auto& n : rbac::workload_needs("create", true)) {
    EXPECT_EQ(n.verb, "create");
    create.emplace(n.group, n.resource);
  }
  std::set<std::pair<std::string, std::string>> patch;
  for (const auto& n : rbac::workload_needs("patch", false)) patch.emplace(n.group, n.resource);
  for (const auto& k : kinds()) {
    std::pair<std::string, std::string> key{std::string(k.group()), std::string(k.resource)};
    EXPECT_EQ(create.contains(key), k.runs_pods()) << k.kind;
    EXPECT_EQ(patch.contains(key), k.runs_pods() && !k.template_fixed) << k.kind;
  }
  EXPECT_TRUE(create.contains({"batch", "jobs"}));
  EXPECT_FALSE(patch.contains({"batch", "jobs"}));
  EXPECT_FALSE(create.contains({"", "podtemplates"}));  // storing a template runs nothing
  // The inject paths use the same lists.
  for (const auto& def : rbac::inject_paths()) {
    if (def.id != rbac::InjectPath::PodCreate) continue;
    ASSERT_EQ(def.all_of.size(), 1u);
    EXPECT_EQ(def.all_of[0].size(), create.size());
  }
}

// kubectl's names for each row (rbac::resolve_resource_name mirrors
// `kubectl api-resources`) agree with the table's.
TEST(KindsTable, KubectlResourceNamesAgree) {
  for (const auto& k : kinds()) {
    SCOPED_TRACE(std::string(k.kind));
    auto by_plural = rbac::resolve_resource_name(k.resource);
    ASSERT_TRUE(by_plural.has_value());
    EXPECT_EQ(by_plural->plural, k.resource);
    EXPECT_EQ(by_plural->group, k.group());
    std::string lower(k.kind);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    auto by_singular = rbac::resolve_resource_name(lower);
    ASSERT_TRUE(by_singular.has_value());
    EXPECT_EQ(by_singular->plural, k.resource);
  }
}

// The rules of the shipped ValidatingWebhookConfiguration (deploy/ and the
// chart): exactly the rows marked for admission, at their version and scope,
// for CREATE and UPDATE, plus pods/ephemeralcontainers.
std::set<std::string> webhook_coverage(const doc::Node& rules) {
  std::set<std::string> covered;
  for (const auto& rule : rules.items()) {
    std::set<std::string> ops;
    for (const auto& op : rule.get("operations")->items()) ops.insert(std::string(op.str()));
    EXPECT_TRUE(ops.contains("CREATE") && ops.contains("UPDATE"));
    std::string scope(rule.get("scope")->str());
    for (const auto& group : rule.get("apiGroups")->items()) {
      for (const auto& version : rule.get("apiVersions")->items()) {
        for (const auto& resource : rule.get("resources")->items()) {
          covered.insert(fmt::format("{}/{}/{} {}", group.str(), version.str(), resource.str(), scope));
        }
      }
    }
  }
  return covered;
}

std::set<std::string> admission_rows() {
  std::set<std::string> expected = {"/v1/pods/ephemeralcontainers Namespaced"};
  for (const auto& k : kinds()) {
    if (!k.read_by(kAdmission)) continue;
    expected.insert(
        fmt::format("{}/{}/{} {}", k.group(), k.version(), k.resource, k.namespaced ? "Namespaced" : "Cluster"));
  }
  return expected;
}

TEST(KindsTable, ShippedWebhookRulesCoverTheAdmissionRows) {
  for (const auto& k : kinds()) {
    if (k.runs_pods()) {
      EXPECT_TRUE(k.read_by(kAdmission)) << k.kind << " runs pods but is not sent to admission";
    }
  }
  std::set<std::string> expected = admission_rows();

  auto docs = load(testing::read_file(testing::source("deploy/70-webhook.yaml")));
  ASSERT_EQ(docs.size(), 1u);
  const doc::Node* rules = docs[0].root.find({"webhooks"})->items()[0].get("rules");
  ASSERT_NE(rules, nullptr);
  EXPECT_EQ(webhook_coverage(*rules), expected) << "deploy/70-webhook.yaml";

  // The chart's template: its rules block is plain YAML between template lines.
  std::string chart = testing::read_file(testing::source("charts/kubeguard/templates/webhook.yaml"));
  size_t at = chart.find("\n  rules:\n");
  ASSERT_NE(at, std::string::npos);
  std::string block = "rules:\n";
  size_t line = at + std::string_view("\n  rules:\n").size();
  while (line < chart.size()) {
    size_t end = chart.find('\n', line);
    std::string text = chart.substr(line, end == std::string::npos ? std::string::npos : end - line);
    if (!text.starts_with("  - ") && !text.starts_with("    ") && !text.starts_with("  #")) break;
    block += text.substr(2) + "\n";
    if (end == std::string::npos) break;
    line = end + 1;
  }
  auto chart_docs = load(block);
  ASSERT_EQ(chart_docs.size(), 1u) << block;
  EXPECT_EQ(webhook_coverage(*chart_docs[0].root.get("rules")), expected) << "chart webhook.yaml\n" << block;
}

// The WH rules' "does this webhook see workloads": every resource that runs
// pods, in its group and in its legacy group, and nothing else.
TEST(KindsTable, WebhookWorkloadMatchingFollowsTheTable) {
  auto matches = [](std::string_view group, std::string_view resource) {
    std::string yaml = fmt::format(
        "apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata: {{name: m}}\n"
        "webhooks:\n- name: m.example.com\n  clientConfig: {{service: {{name: m, namespace: m}}}}\n"
        "  rules:\n  - apiGroups: [\"{}\"]\n    apiVersions: [\"*\"]\n    operations: [CREATE]\n"
        "    resources: [{}]\n",
        group, resource);
    auto docs = load(yaml);
    auto objects = objects_of(docs.at(0));
    auto hooks = rules::wh::webhooks_of(objects.at(0));
    return !hooks.empty() && rules::wh::matches_workloads(hooks[0]);
  };
  for (const auto& k : kinds()) {
    SCOPED_TRACE(std::string(k.kind));
    EXPECT_EQ(matches(k.group(), k.resource), k.runs_pods());
    if (!k.legacy_group.empty()) {
      EXPECT_EQ(matches(k.legacy_group, k.resource), k.runs_pods());
    }
  }
}

// KG-NS-001 reads every namespaced pod-bearing kind.
TEST(KindsTable, DefaultNamespaceRuleReadsEveryPodBearingKind) {
  const rules::RuleEntry* rule = testing::catalog().find("KG-NS-001");
  ASSERT_NE(rule, nullptr);
  for (const auto& k : kinds()) {
    if (!k.carries_pod() || !k.namespaced) continue;
    EXPECT_NE(std::find(rule->meta->kinds.begin(), rule->meta->kinds.end(), k.kind), rule->meta->kinds.end()) << k.kind;
  }
}

}  // namespace
}  // namespace kg::k8s
