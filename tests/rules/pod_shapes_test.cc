// The POD rules on every shape a pod spec comes in: workloads, CronJobs,
// Lists; and the catalog entries they add.
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "doc/source.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

const char* const kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      initContainers:
      - name: migrate
        image: shop/migrate:1.0
        securityContext:
          runAsUser: 0
      containers:
      - name: web
        image: shop/web:1.0
        securityContext:
          allowPrivilegeEscalation: true
)";

TEST(PodShapes, DeploymentPathsAndPositions) {
  auto escalation = findings_of("KG-POD-002", kDeployment);
  ASSERT_EQ(escalation.size(), 2u);
  EXPECT_EQ(escalation[0].path, "spec.template.spec.initContainers[0].securityContext");
  EXPECT_EQ(escalation[1].path, "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation");
  EXPECT_EQ(escalation[1].mark.line, 22u);
  EXPECT_EQ(escalation[1].mark.column, 37u);
  EXPECT_EQ(escalation[1].object.kind, "Deployment");
  EXPECT_EQ(escalation[1].object.name, "web");
  EXPECT_EQ(escalation[1].file, "test.yaml");

  // runAsNonRoot: true at pod level does not hide the init container's explicit root.
  auto root = findings_of("KG-POD-003", kDeployment);
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(root[0].container, "migrate");
  EXPECT_EQ(root[0].container_role, "init");
  EXPECT_EQ(root[0].path, "spec.template.spec.initContainers[0].securityContext.runAsUser");
  EXPECT_EQ(root[0].mark.line, 17u);
  EXPECT_EQ(root[0].mark.column, 22u);

  EXPECT_TRUE(findings_of("KG-POD-013", kDeployment).empty());
}

TEST(PodShapes, CronJobPaths) {
  const char* cron = R"(apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          hostPID: true
          restartPolicy: OnFailure
          containers:
          - name: job
            image: busybox
)";
  auto pid = findings_of("KG-POD-008", cron);
  ASSERT_EQ(pid.size(), 1u);
  EXPECT_EQ(pid[0].path, "spec.jobTemplate.spec.template.spec.hostPID");
  EXPECT_EQ(pid[0].mark.line, 11u);
  auto image = findings_of("KG-POD-021", cron);
  ASSERT_EQ(image.size(), 1u);
  EXPECT_EQ(image[0].path, "spec.jobTemplate.spec.template.spec.containers[0].image");
  EXPECT_EQ(image[0].mark.line, 15u);
  EXPECT_EQ(image[0].mark.column, 20u);
}

TEST(PodShapes, ListItemsGetTheirPrefix) {
  const char* list = R"(apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: cfg
- apiVersion: v1
  kind: Pod
  metadata:
    name: p
  spec:
    containers:
    - name: app
      image: nginx:1.25
      ports:
      - containerPort: 80
        hostPort: 80
)";
  auto f = findings_of("KG-POD-012", list);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "items[1].spec.containers[0].ports[0].hostPort");
  EXPECT_EQ(f[0].mark.line, 18u);
  EXPECT_EQ(f[0].mark.column, 19u);
  EXPECT_EQ(f[0].object.name, "p");
}

TEST(PodShapes, ObjectsWithoutPodSpecAreIgnored) {
  auto result = scan_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  hostNetwork: \"true\"\n");
  for (const auto& f : result.findings) EXPECT_NE(f.rule_id.rfind("KG-POD-", 0), 0u) << f.rule_id;
}

TEST(PodShapes, SuppressionAnnotationApplies) {
  auto f = findings_of("KG-POD-007", R"(apiVersion: v1
kind: Pod
metadata:
  name: cni
  annotations:
    kubeguard.io/ignore: "KG-POD-007"
    kubeguard.io/ignore-reason: "CNI agent needs the host network"
spec:
  hostNetwork: true
  containers:
  - name: agent
    image: cni/agent:1.0
)");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].suppressed);
}

// ---- the catalog entries of the family

std::map<std::string, std::string> threat_matrix_names() {
  std::map<std::string, std::string> names;
  doc::load_input(
      corpus("threat-matrix/techniques.derived.json"),
      [&](doc::Document&& d) {
        for (const auto& t : d.root.items()) {
          names[std::string(t.get("id")->str())] = std::string(t.get("name")->str());
          for (const auto& m : t.get("mitigations")->items()) {
            names.emplace(std::string(m.get("id")->str()), std::string(m.get("name")->str()));
          }
        }
      },
      [](doc::LoadError&&) {});
  return names;
}

TEST(PodCatalog, EveryRuleIsCompleteAndCitesRealThreatMatrixIds) {
  auto matrix = threat_matrix_names();
  ASSERT_GT(matrix.size(), 40u);
  std::set<std::string_view> ids;
  for (const auto& entry : catalog().rules()) {
    const rules::RuleMeta& m = *entry.meta;
    if (m.family != "POD") continue;
    ids.insert(m.id);
    EXPECT_FALSE(m.slug.empty()) << m.id;
    EXPECT_FALSE(m.title.empty()) << m.id;
    EXPECT_FALSE(m.rationale.empty()) << m.id;
    EXPECT_FALSE(m.remediation.empty()) << m.id;
    EXPECT_EQ(m.kinds, std::vector<std::string_view>{"pod-bearing"}) << m.id;
    EXPECT_EQ(entry.scope, rules::RuleScope::PodSpec) << m.id;
    bool has_matrix = false;
    bool has_attack = false;
    for (const auto& r : m.references) {
      if (r.kind == rules::ReferenceKind::ThreatMatrix) {
        has_matrix = true;
        auto it = matrix.find(std::string(r.id));
        ASSERT_NE(it, matrix.end()) << m.id << " cites unknown " << r.id;
        // Technique names are unique; mitigation names vary slightly between techniques.
        if (r.id.starts_with("MS-TA")) {
          EXPECT_EQ(it->second, r.title) << m.id;
        }
      }
      if (r.kind == rules::ReferenceKind::Attack) has_attack = true;
    }
    EXPECT_TRUE(has_matrix) << m.id;
    EXPECT_TRUE(has_attack) << m.id;
  }
  EXPECT_EQ(ids.size(), 25u);
  EXPECT_TRUE(ids.contains("KG-POD-001"));
  EXPECT_TRUE(ids.contains("KG-POD-025"));
}

}  // namespace
}  // namespace kg::testing
