// `kubeguard rbac` reads its objects through the evaluation session
// (engine/rbac_source.h), the loop a scan uses: the same objects, the same
// extraction errors, and each object's kubeguard.io/ignore annotations.
#include "engine/rbac_source.h"

#include <gtest/gtest.h>

#include "engine/temp_tree.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

constexpr std::string_view kAnnotatedBinding = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ops-admin
  annotations:
    kubeguard.io/ignore: KG-RBAC-014
    kubeguard.io/ignore-reason: break-glass account, reviewed
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, name: ops, apiGroup: rbac.authorization.k8s.io}]
)";

// Whether the output shows KG-RBAC-014 and marks it suppressed, in the
// JSON of `rbac` ("ruleId") and of `scan` ("rule").
struct Seen {
  bool found = false;
  bool suppressed = false;
};

Seen rbac_014(const std::string& json) {
  Seen seen;
  size_t at = json.find("\"KG-RBAC-014\"");
  if (at == std::string::npos) return seen;
  seen.found = true;
  // The finding's own "suppressed" field is the next one after its rule.
  size_t field = json.find("\"suppressed\"", at);
  if (field == std::string::npos) return seen;
  size_t value = json.find_first_not_of(": ", field + std::string_view("\"suppressed\"").size());
  seen.suppressed = value != std::string::npos && json.compare(value, 4, "true") == 0;
  return seen;
}

TEST(RbacSource, AnIgnoreAnnotationCoversTheFindingAsInAScan) {
  TempTree tree;
  std::string file = tree.write("binding.yaml", kAnnotatedBinding);
  std::string rbac;
  run_kubeguard("rbac -f json " + file, &rbac);
  std::string scan;
  run_kubeguard("scan -f json " + file, &scan);
  Seen by_rbac = rbac_014(rbac);
  Seen by_scan = rbac_014(scan);
  ASSERT_TRUE(by_rbac.found) << rbac;
  ASSERT_TRUE(by_scan.found) << scan;
  EXPECT_TRUE(by_scan.suppressed) << scan;
  EXPECT_TRUE(by_rbac.suppressed) << rbac;
  // Without the annotation both report it.
  std::string bare = tree.write("bare.yaml", R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, name: ops, apiGroup: rbac.authorization.k8s.io}]
)");
  run_kubeguard("rbac -f json " + bare, &rbac);
  EXPECT_TRUE(rbac_014(rbac).found) << rbac;
  EXPECT_FALSE(rbac_014(rbac).suppressed) << rbac;
}

TEST(RbacSource, AListItemThatIsNoObjectIsAnErrorAsInAScan) {
  TempTree tree;
  std::string file = tree.write("list.yaml", R"(apiVersion: v1
kind: List
items:
- just-a-string
- apiVersion: v1
  kind: ServiceAccount
  metadata: {name: builder, namespace: shop}
)");
  std::string out;
  EXPECT_EQ(run_kubeguard("scan -q " + file + " 2>&1", &out), 2);
  EXPECT_NE(out.find("list item is not an object"), std::string::npos) << out;
  EXPECT_EQ(run_kubeguard("rbac " + file + " 2>&1", &out), 2);
  EXPECT_NE(out.find("list.yaml:4"), std::string::npos) << out;
  EXPECT_NE(out.find("list item is not an object"), std::string::npos) << out;
  // As kubectl does, the list is refused whole: no object read, one error.
  rbac::Loaded loaded = engine::load_rbac_files({file});
  EXPECT_TRUE(loaded.objects.service_accounts.empty());
  EXPECT_EQ(loaded.objects_read, 0u);
  EXPECT_EQ(loaded.files, 1u);
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_EQ(loaded.errors[0].message, "list item is not an object");
}

}  // namespace
}  // namespace kg::testing
