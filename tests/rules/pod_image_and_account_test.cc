// KG-POD-021 (image tags), 022 and 023 (service account).
#include <gtest/gtest.h>

#include "rules/pod_test_util.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

std::string pod_with_image(std::string_view image) {
  return pod_yaml("  containers:\n  - name: app\n    image: " + std::string(image) + "\n");
}

// ---- KG-POD-021 image-latest-or-untagged

TEST(PodImageTag, LatestAndUntaggedAreReported) {
  for (std::string_view image : {"nginx", "nginx:latest", "localhost:5000/app", "registry.example.com:443/team/app",
                                 "ghcr.io/org/app:latest", "docker.io/library/nginx"}) {
    auto f = findings_of("KG-POD-021", pod_with_image(image));
    ASSERT_EQ(f.size(), 1u) << image;
    EXPECT_EQ(f[0].path, "spec.containers[0].image");
    EXPECT_EQ(f[0].mark.line, 9u);
    EXPECT_EQ(f[0].mark.column, 12u);
  }
}

TEST(PodImageTag, MessageTellsUntaggedFromLatest) {
  auto untagged = findings_of("KG-POD-021", pod_with_image("localhost:5000/app"));
  ASSERT_EQ(untagged.size(), 1u);
  EXPECT_NE(untagged[0].message.find("no tag or digest"), std::string::npos);
  auto latest = findings_of("KG-POD-021", pod_with_image("nginx:latest"));
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_NE(latest[0].message.find("latest tag"), std::string::npos);
}

TEST(PodImageTag, VersionTagsAndDigestsPass) {
  for (std::string_view image :
       {"nginx:1.25", "localhost:5000/app:v2", "registry.example.com:443/team/app:2024-01",
        "busybox@sha256:3fbc632167424a6d997e74f52b878d7cc478225cffac6bc977eedfe51c7f4e79",
        "nginx:latest@sha256:3fbc632167424a6d997e74f52b878d7cc478225cffac6bc977eedfe51c7f4e79", "nginx:Latest"}) {
    EXPECT_TRUE(findings_of("KG-POD-021", pod_with_image(image)).empty()) << image;
  }
}

TEST(PodImageTag, EphemeralContainersAreChecked) {
  auto f = findings_of("KG-POD-021", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "  ephemeralContainers:\n"
                                              "  - name: debugger\n"
                                              "    image: busybox\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.ephemeralContainers[0].image");
  EXPECT_EQ(f[0].container_role, "ephemeral");
}

// ---- KG-POD-022 service-account-token-automounted

TEST(PodTokenAutomount, MissingIsReportedAtPodSpec) {
  auto f = findings_of("KG-POD-022", pod_with_image("nginx:1.25"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec");
  EXPECT_TRUE(f[0].container.empty());
}

TEST(PodTokenAutomount, TrueIsReportedAtTheField) {
  auto f = findings_of("KG-POD-022", pod_yaml("  automountServiceAccountToken: true\n"
                                              "  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.automountServiceAccountToken");
  EXPECT_EQ(f[0].mark.line, 7u);
}

TEST(PodTokenAutomount, FalsePasses) {
  EXPECT_TRUE(findings_of("KG-POD-022", pod_yaml("  automountServiceAccountToken: false\n"
                                                 "  containers:\n"
                                                 "  - name: app\n"
                                                 "    image: nginx:1.25\n"))
                  .empty());
}

TEST(PodTokenAutomount, ProjectedTokenVolumeDoesNotExcuseAutomount) {
  auto f = findings_of("KG-POD-022", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    volumeMounts:\n"
                                              "    - name: token\n"
                                              "      mountPath: /var/run/secrets/tokens\n"
                                              "  volumes:\n"
                                              "  - name: token\n"
                                              "    projected:\n"
                                              "      sources:\n"
                                              "      - serviceAccountToken:\n"
                                              "          path: token\n"
                                              "          expirationSeconds: 600\n"));
  EXPECT_EQ(f.size(), 1u);
}

// ---- KG-POD-023 default-service-account

TEST(PodDefaultServiceAccount, MissingAndDefaultAreReported) {
  auto missing = findings_of("KG-POD-023", pod_with_image("nginx:1.25"));
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].path, "spec");
  auto named = findings_of("KG-POD-023", pod_yaml("  serviceAccountName: default\n"
                                                  "  containers:\n"
                                                  "  - name: app\n"
                                                  "    image: nginx:1.25\n"));
  ASSERT_EQ(named.size(), 1u);
  EXPECT_EQ(named[0].path, "spec.serviceAccountName");
  auto deprecated = findings_of("KG-POD-023", pod_yaml("  serviceAccount: default\n"
                                                       "  containers:\n"
                                                       "  - name: app\n"
                                                       "    image: nginx:1.25\n"));
  ASSERT_EQ(deprecated.size(), 1u);
  EXPECT_EQ(deprecated[0].path, "spec.serviceAccount");
}

TEST(PodDefaultServiceAccount, OwnAccountPasses) {
  EXPECT_TRUE(findings_of("KG-POD-023", pod_yaml("  serviceAccountName: web\n"
                                                 "  containers:\n"
                                                 "  - name: app\n"
                                                 "    image: nginx:1.25\n"))
                  .empty());
  EXPECT_TRUE(findings_of("KG-POD-023", pod_yaml("  serviceAccount: web\n"
                                                 "  containers:\n"
                                                 "  - name: app\n"
                                                 "    image: nginx:1.25\n"))
                  .empty());
}

}  // namespace
}  // namespace kg::testing
