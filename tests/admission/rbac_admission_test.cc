// Roles and bindings at admission: the KG-RBAC rules judge the object over an
// input that holds it alone, so admission gives the verdict `kubeguard scan`
// gives a file holding only that object (a binding to a built-in role by the
// role's content, a role by its own rules); certificate signing requests meet
// KG-SEC-004 and pods in kube-public KG-NS-002 as in scan.
#include <algorithm>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "admission/decision.h"
#include "admission/review.h"
#include "admission/review_support.h"
#include "support/test_support.h"

namespace kg::admission {
namespace {

using testing::ReviewSpec;

struct Case {
  std::string kind;
  std::string resource;
  std::string name_space;  // "" for cluster-scoped
  std::string name;
  std::string yaml;
};

const std::string kApi = "apiVersion: rbac.authorization.k8s.io/v1\n";

std::vector<Case> rbac_cases() {
  return {
      {"ClusterRoleBinding", "clusterrolebindings", "", "m-admin",
       kApi + "kind: ClusterRoleBinding\nmetadata: {name: m-admin}\n"
              "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n"
              "subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: mallory}]\n"},
      {"RoleBinding", "rolebindings", "shop", "x",
       kApi + "kind: RoleBinding\nmetadata: {name: x, namespace: shop}\n"
              "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n"
              "subjects: [{kind: ServiceAccount, name: default, namespace: shop}]\n"},
      {"ClusterRoleBinding", "clusterrolebindings", "", "m-edit",
       kApi + "kind: ClusterRoleBinding\nmetadata: {name: m-edit}\n"
              "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}\n"
              "subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: mallory}]\n"},
      {"ClusterRoleBinding", "clusterrolebindings", "", "m-everyone",
       kApi + "kind: ClusterRoleBinding\nmetadata: {name: m-everyone}\n"
              "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n"
              "subjects: [{kind: Group, apiGroup: rbac.authorization.k8s.io, name: system:authenticated}]\n"},
      // A system:-named role granting everything: judged by content, not name.
      {"ClusterRole", "clusterroles", "", "system:m-all",
       kApi + "kind: ClusterRole\nmetadata: {name: 'system:m-all'}\n"
              "rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]\n"},
      {"ClusterRole", "clusterroles", "", "m-exec",
       kApi + "kind: ClusterRole\nmetadata: {name: m-exec}\n"
              "rules: [{apiGroups: [''], resources: [pods/exec], verbs: [create]}]\n"},
      {"Role", "roles", "shop", "escalator",
       kApi + "kind: Role\nmetadata: {name: escalator, namespace: shop}\n"
              "rules: [{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate, bind]}]\n"},
  };
}

ReviewSpec review_of(const Case& c) {
  ReviewSpec spec;
  spec.kind = c.kind;
  spec.resource = c.resource;
  spec.group = c.kind == "CertificateSigningRequest" ? "certificates.k8s.io"
               : c.kind == "Pod"                     ? ""
                                                     : "rbac.authorization.k8s.io";
  spec.name_space = c.name_space;
  spec.name = c.name;
  spec.object_yaml = c.yaml;
  return spec;
}

std::set<std::string> rules_of(const std::vector<rules::Finding>& findings) {
  std::set<std::string> out;
  for (const auto& f : findings) {
    if (!f.suppressed) out.insert(f.rule_id + ":" + std::string(rules::severity_name(f.severity)));
  }
  return out;
}

TEST(RbacAdmission, RolesAndBindingsGetTheVerdictScanGivesThemAlone) {
  for (const Case& c : rbac_cases()) {
    SCOPED_TRACE(c.kind + " " + c.name);
    std::set<std::string> scan = rules_of(testing::scan_text(c.yaml).findings);
    ParsedReview parsed = parse_review(testing::review_json(review_of(c)));
    ASSERT_TRUE(parsed);
    std::set<std::string> admission = rules_of(evaluate_request(*parsed.request, testing::catalog(), {}));
    EXPECT_EQ(admission, scan);
    // Each of these grants something the RBAC rules call dangerous.
    EXPECT_TRUE(std::any_of(scan.begin(), scan.end(), [](const std::string& r) { return r.starts_with("KG-RBAC-"); }))
        << "no RBAC finding";
  }
}

TEST(RbacAdmission, ClusterAdminBindingIsDeniedInEnforceMode) {
  Case c = rbac_cases()[0];
  ParsedReview parsed = parse_review(testing::review_json(review_of(c)));
  ASSERT_TRUE(parsed);
  Settings settings;
  engine::Config config;
  Decision d = decide(*parsed.request, testing::catalog(), config, settings);
  EXPECT_EQ(d.verdict, Verdict::Denied);
  EXPECT_NE(std::find(d.rule_ids.begin(), d.rule_ids.end(), "KG-RBAC-014"), d.rule_ids.end()) << d.message;
}

TEST(RbacAdmission, UpdateCountsOnlyTheGrantsItAdds) {
  Case c = rbac_cases()[0];
  ReviewSpec same = review_of(c);
  same.operation = "UPDATE";
  same.old_yaml = c.yaml;
  ParsedReview unchanged = parse_review(testing::review_json(same));
  ASSERT_TRUE(unchanged);
  EXPECT_TRUE(rules_of(evaluate_request(*unchanged.request, testing::catalog(), {})).empty());
  // A subject added to the same binding is a new grant.
  ReviewSpec added = same;
  added.object_yaml = c.yaml;
  const std::string last = "name: mallory}]";
  added.object_yaml.replace(added.object_yaml.find(last), last.size(),
                            "name: mallory}, {kind: User, apiGroup: rbac.authorization.k8s.io, name: eve}]");
  ParsedReview grown = parse_review(testing::review_json(added));
  ASSERT_TRUE(grown);
  std::set<std::string> got = rules_of(evaluate_request(*grown.request, testing::catalog(), {}));
  EXPECT_TRUE(got.contains("KG-RBAC-014:critical")) << testing::review_json(added);
}

TEST(RbacAdmission, AggregatedClusterRoleIsLeftToItsController) {
  Case c{"ClusterRole", "clusterroles", "", "m-aggregate",
         kApi +
             "kind: ClusterRole\nmetadata: {name: m-aggregate}\n"
             "aggregationRule:\n  clusterRoleSelectors: [{matchLabels: {m: x}}]\n"
             "rules: [{apiGroups: [''], resources: [pods/exec], verbs: [create]}]\n"};
  ParsedReview parsed = parse_review(testing::review_json(review_of(c)));
  ASSERT_TRUE(parsed);
  for (const auto& f : evaluate_request(*parsed.request, testing::catalog(), {})) {
    EXPECT_FALSE(f.rule_id.starts_with("KG-RBAC-")) << f.rule_id << " " << f.message;
  }
}

TEST(RbacAdmission, CsrAndPodsInKubePublicAsScanJudgesThem) {
  std::string csrs = testing::read_file(testing::source("tests/data/csr/privileged.yaml"));
  // The first request of the file: CN=mallory, O=system:masters.
  size_t start = csrs.find("apiVersion:");
  size_t end = csrs.find("\n---", start);
  Case csr{"CertificateSigningRequest", "certificatesigningrequests", "", "masters", csrs.substr(start, end - start)};
  Case hidden{"Pod", "pods", "kube-public", "cache-warmer",
              "apiVersion: v1\nkind: Pod\nmetadata: {name: cache-warmer, namespace: kube-public}\n"
              "spec:\n  containers: [{name: warmer, image: registry.example/warmer:1.4}]\n"};
  for (const Case& c : {csr, hidden}) {
    SCOPED_TRACE(c.name);
    ParsedReview parsed = parse_review(testing::review_json(review_of(c)));
    ASSERT_TRUE(parsed);
    std::set<std::string> admission = rules_of(evaluate_request(*parsed.request, testing::catalog(), {}));
    EXPECT_TRUE(admission.contains(c.kind == "Pod" ? "KG-NS-002:high" : "KG-SEC-004:high"));
    std::set<std::string> scan = rules_of(testing::scan_text(c.yaml).findings);
    std::erase_if(scan, [](const std::string& r) { return r.starts_with("KG-NET-"); });  // the whole input's
    EXPECT_EQ(admission, scan);
  }
}

}  // namespace
}  // namespace kg::admission

namespace kg::admission {
namespace {

// KG-RBAC-019 on UPDATE, as the watch reports it: a change by hand to one of
// Kubernetes' own roles; the API server's own reconciliation is not by hand.
TEST(RbacAdmission, BuiltInRoleChangedByHandIsReported) {
  const std::string before = kApi +
                             "kind: ClusterRole\nmetadata:\n  name: system:heapster\n"
                             "  labels: {kubernetes.io/bootstrapping: rbac-defaults}\n"
                             "rules: [{apiGroups: [''], resources: [pods], verbs: [get, list, watch]}]\n";
  std::string after = before;
  after.replace(after.find("rbac-defaults}"), 14, "rbac-defaults, marker: x}");
  ReviewSpec spec = review_of({"ClusterRole", "clusterroles", "", "system:heapster", after});
  spec.operation = "UPDATE";
  spec.old_yaml = before;
  ParsedReview by_hand = parse_review(testing::review_json(spec));
  ASSERT_TRUE(by_hand);
  EXPECT_TRUE(rules_of(evaluate_request(*by_hand.request, testing::catalog(), {})).contains("KG-RBAC-019:high"));
  spec.username = "system:apiserver";
  ParsedReview reconciled = parse_review(testing::review_json(spec));
  ASSERT_TRUE(reconciled);
  EXPECT_TRUE(rules_of(evaluate_request(*reconciled.request, testing::catalog(), {})).empty());
}

}  // namespace
}  // namespace kg::admission
