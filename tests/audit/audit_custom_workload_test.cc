// Workloads of custom resources (an Argo Rollout, an OpenShift
// DeploymentConfig, a Knative Service): scan judges them by their pod
// template, and so must the audit log. A create is judged by the scan
// catalog under the object's own kind, with scan's fingerprint; a patch that
// adds a container is KG-AUD-001 as on a Deployment; custom resources without
// a pod template, and status writes, raise nothing.
#include <gtest/gtest.h>

#include "audit/detections.h"
#include "audit/event.h"
#include "audit_test_util.h"
#include "rules/fingerprint.h"

namespace kg::testing {
namespace {

using rules::Severity;

std::string rollout(const std::string& containers) {
  return fmt::format(
      R"({{"apiVersion":"argoproj.io/v1alpha1","kind":"Rollout","metadata":{{"name":"web","namespace":"shop"}},"spec":{{"replicas":2,"selector":{{"matchLabels":{{"app":"web"}}}},"strategy":{{"canary":{{"steps":[{{"setWeight":20}}]}}}},"template":{{"metadata":{{"labels":{{"app":"web"}}}},"spec":{{"containers":[{}]}}}}}}}})",
      containers);
}

Ev rollout_event(const std::string& verb, const std::string& request, const std::string& response) {
  Ev ev;
  ev.verb = verb;
  ev.resource = "rollouts";
  ev.group = "argoproj.io";
  ev.version = "v1alpha1";
  ev.code = verb == "create" ? 201 : 200;
  ev.id = "id-" + verb;
  ev.request = request;
  ev.response = response;
  return ev;
}

TEST(AuditCustomWorkload, ACreatedRolloutIsJudgedByTheScanCatalogUnderItsOwnKind) {
  auto d = make_detector();
  const std::string body = rollout(container("app", "nginx:1.27", R"(,"securityContext":{"privileged":true})"));
  auto alerts = run(d, rollout_event("create", body, body));
  auto privileged = of_rule(alerts, "KG-POD-001");
  ASSERT_EQ(privileged.size(), 1u);
  EXPECT_EQ(privileged[0]->object_ref.resource, "rollouts");
  EXPECT_EQ(privileged[0]->object_ref.kind, "Rollout");
  EXPECT_EQ(privileged[0]->container, "app");
  // The same finding scan gives the same object.
  auto scan = findings_of("KG-POD-001", body);
  ASSERT_EQ(scan.size(), 1u);
  EXPECT_EQ(audit::finding_of(*privileged[0]).object.kind, "Rollout");
  EXPECT_EQ(rules::fingerprint(audit::finding_of(*privileged[0])), rules::fingerprint(scan[0]));
  auto risky = of_rule(alerts, "KG-AUD-017");
  ASSERT_EQ(risky.size(), 1u);
  EXPECT_NE(risky[0]->message.find("KG-POD-001"), std::string::npos) << risky[0]->message;
}

TEST(AuditCustomWorkload, AContainerAddedToARolloutByPatchIsCritical) {
  auto d = make_detector();
  const std::string before = rollout(container("app", "nginx:1.27"));
  EXPECT_LT(worst(run(d, rollout_event("create", before, before))), Severity::High);
  auto alerts =
      run(d, rollout_event("patch",
                           R"({"spec":{"template":{"spec":{"containers":[{"name":"miner","image":"xmrig/xmrig"}]}}}})",
                           rollout(container("app", "nginx:1.27") + "," + container("miner", "xmrig/xmrig"))));
  auto added = of_rule(alerts, "KG-AUD-001");
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0]->severity, Severity::Critical);
  EXPECT_EQ(evidence(*added[0], "container"), "miner");
  EXPECT_EQ(added[0]->object_ref.name, "web");
}

TEST(AuditCustomWorkload, AServiceAccountWritingOrDeletingARolloutIsReportedAsForADeployment) {
  auto d = make_detector();
  const std::string body = rollout(container("app", "nginx:1.27"));
  run(d, rollout_event("create", body, body));
  const std::string sa = "system:serviceaccount:ci:deployer";
  Ev patch = rollout_event("patch", R"({"metadata":{"labels":{"tier":"web"}}})", body);
  patch.user = sa;
  auto patch_alerts = run(d, patch);  // of_rule points into it
  auto patched = of_rule(patch_alerts, "KG-AUD-008");
  ASSERT_EQ(patched.size(), 1u);
  EXPECT_NE(patched[0]->message.find("rollouts"), std::string::npos) << patched[0]->message;
  // A delete carries no body: the Rollout is known as a workload from its create.
  Ev del = rollout_event("delete", "", "");
  del.user = sa;
  del.id = "id-delete";
  auto delete_alerts = run(d, del);
  auto deleted = of_rule(delete_alerts, "KG-AUD-008");
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_NE(deleted[0]->message.find("delete"), std::string::npos) << deleted[0]->message;
  // Once deleted it is forgotten: deleting an unknown custom resource says nothing.
  Ev again = del;
  again.id = "id-delete-2";
  EXPECT_TRUE(of_rule(run(d, again), "KG-AUD-008").empty());
}

TEST(AuditCustomWorkload, CustomResourcesWithoutAPodAndStatusWritesRaiseNothing) {
  auto d = make_detector();
  // A Prometheus keeps no pod template: nothing to judge, however it is written.
  Ev prom;
  prom.resource = "prometheuses";
  prom.group = "monitoring.coreos.com";
  prom.code = 201;
  prom.request = prom.response =
      R"({"apiVersion":"monitoring.coreos.com/v1","kind":"Prometheus","metadata":{"name":"k8s","namespace":"shop"},"spec":{"replicas":2,"securityContext":{"runAsUser":0}}})";
  EXPECT_TRUE(run(d, prom).empty());
  // A template whose spec lists no containers (a KubeVirt VirtualMachine's) is not a pod.
  Ev vm = prom;
  vm.resource = "virtualmachines";
  vm.group = "kubevirt.io";
  vm.request = vm.response =
      R"({"apiVersion":"kubevirt.io/v1","kind":"VirtualMachine","metadata":{"name":"vm","namespace":"shop"},"spec":{"template":{"spec":{"domain":{"devices":{}}}}}})";
  EXPECT_TRUE(run(d, vm).empty());
  // A controller's status write of a Rollout is its own.
  const std::string body = rollout(container("app", "nginx:1.27", R"(,"securityContext":{"privileged":true})"));
  Ev status = rollout_event("update", body, body);
  status.subresource = "status";
  status.user = "system:serviceaccount:argo-rollouts:argo-rollouts";
  EXPECT_TRUE(run(d, status).empty());
}

TEST(AuditCustomWorkload, OnlyDottedGroupsOutsideTheBuiltInOnesAreCustom) {
  EXPECT_TRUE(audit::is_custom_group("argoproj.io"));
  EXPECT_TRUE(audit::is_custom_group("serving.knative.dev"));
  EXPECT_TRUE(audit::is_custom_group("cluster.x-k8s.io"));
  EXPECT_FALSE(audit::is_custom_group(""));
  EXPECT_FALSE(audit::is_custom_group("apps"));
  EXPECT_FALSE(audit::is_custom_group("coordination.k8s.io"));
  EXPECT_FALSE(audit::is_custom_group("rbac.authorization.k8s.io"));
  // Writes of custom resources are read further; a lease renewal is not.
  EXPECT_TRUE(audit::may_matter("patch", "argoproj.io", "rollouts", "", "bob", false, false));
  EXPECT_FALSE(audit::may_matter("update", "argoproj.io", "rollouts", "status", "bob", false, false));
  EXPECT_FALSE(audit::may_matter("update", "coordination.k8s.io", "leases", "", "system:node:n1", false, false));
  EXPECT_FALSE(audit::may_matter("get", "argoproj.io", "rollouts", "", "bob", false, false));
}

}  // namespace
}  // namespace kg::testing
