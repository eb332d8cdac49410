// KG-POD-001 to 006 and 013 to 016: the container and pod security contexts.
#include <gtest/gtest.h>

#include "rules/pod/capabilities.h"
#include "rules/pod_test_util.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

// ---- KG-POD-001 privileged-container

TEST(PodPrivileged, ReportsPrivilegedContainer) {
  auto f = findings_of("KG-POD-001", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      privileged: true\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.containers[0].securityContext.privileged");
  EXPECT_EQ(f[0].container, "app");
  EXPECT_EQ(f[0].severity, rules::Severity::Critical);
}

TEST(PodPrivileged, FalseOrMissingPasses) {
  EXPECT_TRUE(findings_of("KG-POD-001", pod_yaml("  containers:\n"
                                                 "  - name: a\n"
                                                 "    image: nginx:1.25\n"
                                                 "    securityContext:\n"
                                                 "      privileged: false\n"
                                                 "  - name: b\n"
                                                 "    image: nginx:1.25\n"))
                  .empty());
}

// ---- KG-POD-002 privilege-escalation-allowed

TEST(PodPrivilegeEscalation, MissingFieldIsReportedAtSecurityContext) {
  auto f = findings_of("KG-POD-002", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      runAsNonRoot: true\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.containers[0].securityContext");
  EXPECT_EQ(f[0].mark.line, 11u);  // a block mapping starts at its first key, the line after its own key
  EXPECT_NE(f[0].message.find("'app'"), std::string::npos);
}

TEST(PodPrivilegeEscalation, MissingSecurityContextIsReportedAtContainer) {
  auto f = findings_of("KG-POD-002", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.containers[0]");
}

TEST(PodPrivilegeEscalation, ExplicitTrueIsReportedAtTheField) {
  auto f = findings_of("KG-POD-002", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      allowPrivilegeEscalation: true\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.containers[0].securityContext.allowPrivilegeEscalation");
  EXPECT_EQ(f[0].mark.line, 11u);
  EXPECT_EQ(f[0].mark.column, 33u);
}

TEST(PodPrivilegeEscalation, FalsePasses) {
  EXPECT_TRUE(findings_of("KG-POD-002", pod_yaml("  containers:\n"
                                                 "  - name: app\n"
                                                 "    image: nginx:1.25\n"
                                                 "    securityContext:\n"
                                                 "      allowPrivilegeEscalation: false\n"))
                  .empty());
}

TEST(PodPrivilegeEscalation, StringFalseIsNotFalse) {
  // A quoted "false" is a string; the API server rejects it, and it does not set the flag.
  EXPECT_EQ(findings_of("KG-POD-002", pod_yaml("  containers:\n"
                                               "  - name: app\n"
                                               "    image: nginx:1.25\n"
                                               "    securityContext:\n"
                                               "      allowPrivilegeEscalation: \"false\"\n"))
                .size(),
            1u);
}

TEST(PodPrivilegeEscalation, PodLevelValueDoesNotApply) {
  // PodSecurityContext has no allowPrivilegeEscalation; the API server drops it.
  EXPECT_EQ(findings_of("KG-POD-002", pod_yaml("  securityContext:\n"
                                               "    allowPrivilegeEscalation: false\n"
                                               "  containers:\n"
                                               "  - name: app\n"
                                               "    image: nginx:1.25\n"))
                .size(),
            1u);
}

TEST(PodPrivilegeEscalation, WindowsPodsAreSkipped) {
  EXPECT_TRUE(findings_of("KG-POD-002", pod_yaml("  os:\n"
                                                 "    name: windows\n"
                                                 "  containers:\n"
                                                 "  - name: app\n"
                                                 "    image: mcr.microsoft.com/windows/nanoserver:ltsc2022\n"))
                  .empty());
}

TEST(PodPrivilegeEscalation, EveryContainerKindIsChecked) {
  auto f = findings_of("KG-POD-002", pod_yaml("  initContainers:\n"
                                              "  - name: setup\n"
                                              "    image: busybox:1.36\n"
                                              "  - name: proxy\n"
                                              "    image: envoy:1.30\n"
                                              "    restartPolicy: Always\n"
                                              "  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      allowPrivilegeEscalation: false\n"
                                              "  ephemeralContainers:\n"
                                              "  - name: debugger\n"
                                              "    image: busybox:1.36\n"));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].path, "spec.initContainers[0]");
  EXPECT_EQ(f[0].container_role, "init");
  EXPECT_NE(f[0].message.find("init container 'setup'"), std::string::npos);
  EXPECT_EQ(f[1].path, "spec.initContainers[1]");
  EXPECT_EQ(f[1].container_role, "native-sidecar");
  EXPECT_EQ(f[2].path, "spec.ephemeralContainers[0]");
  EXPECT_EQ(f[2].container, "debugger");
  EXPECT_EQ(f[2].container_role, "ephemeral");
}

// ---- KG-POD-003 runs-as-root

TEST(PodRunsAsRoot, RunAsUserZeroIsReported) {
  auto f = findings_of("KG-POD-003", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      runAsUser: 0\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.containers[0].securityContext.runAsUser");
  EXPECT_NE(f[0].message.find("runAsUser: 0"), std::string::npos);
}

TEST(PodRunsAsRoot, NothingSetSaysTheImageDecides) {
  auto f = findings_of("KG-POD-003", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.containers[0]");
  EXPECT_NE(f[0].message.find("neither runAsNonRoot"), std::string::npos);
}

TEST(PodRunsAsRoot, RunAsNonRootFalseIsReportedAtTheField) {
  auto f = findings_of("KG-POD-003", pod_yaml("  securityContext:\n"
                                              "    runAsNonRoot: false\n"
                                              "  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.securityContext.runAsNonRoot");
}

TEST(PodRunsAsRoot, PodLevelNonRootIsInherited) {
  EXPECT_TRUE(findings_of("KG-POD-003", pod_yaml("  securityContext:\n"
                                                 "    runAsNonRoot: true\n"
                                                 "  containers:\n"
                                                 "  - name: app\n"
                                                 "    image: nginx:1.25\n"
                                                 "  - name: other\n"
                                                 "    image: nginx:1.25\n"
                                                 "    securityContext:\n"
                                                 "      runAsUser: 1000\n"))
                  .empty());
}

TEST(PodRunsAsRoot, ContainerOverridesPodLevelUser) {
  auto f = findings_of("KG-POD-003", pod_yaml("  securityContext:\n"
                                              "    runAsUser: 1000\n"
                                              "  containers:\n"
                                              "  - name: safe\n"
                                              "    image: nginx:1.25\n"
                                              "  - name: root\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      runAsUser: 0\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].container, "root");
  EXPECT_EQ(f[0].path, "spec.containers[1].securityContext.runAsUser");
}

TEST(PodRunsAsRoot, PodLevelRootIsReportedAtThePodField) {
  auto f = findings_of("KG-POD-003", pod_yaml("  securityContext:\n"
                                              "    runAsUser: 0\n"
                                              "  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.securityContext.runAsUser");
  EXPECT_EQ(f[0].container, "app");
  EXPECT_EQ(f[0].mark.line, 8u);
}

TEST(PodRunsAsRoot, WindowsNonAdministratorUserPasses) {
  std::string spec =
      "  os:\n"
      "    name: windows\n"
      "  securityContext:\n"
      "    windowsOptions:\n"
      "      runAsUserName: ContainerUser\n"
      "  containers:\n"
      "  - name: app\n"
      "    image: mcr.microsoft.com/windows/nanoserver:ltsc2022\n";
  EXPECT_TRUE(findings_of("KG-POD-003", pod_yaml(spec)).empty());
  std::string admin = spec;
  admin.replace(admin.find("ContainerUser"), 13, "ContainerAdministrator");
  EXPECT_EQ(findings_of("KG-POD-003", pod_yaml(admin)).size(), 1u);
}

// ---- KG-POD-004 writable-root-filesystem

TEST(PodWritableRootFs, MissingAndFalseAreReported) {
  auto f = findings_of("KG-POD-004", pod_yaml("  containers:\n"
                                              "  - name: a\n"
                                              "    image: nginx:1.25\n"
                                              "  - name: b\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      readOnlyRootFilesystem: false\n"));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].path, "spec.containers[0]");
  EXPECT_EQ(f[1].path, "spec.containers[1].securityContext.readOnlyRootFilesystem");
}

TEST(PodWritableRootFs, TruePasses) {
  EXPECT_TRUE(findings_of("KG-POD-004", pod_yaml("  containers:\n"
                                                 "  - name: a\n"
                                                 "    image: nginx:1.25\n"
                                                 "    securityContext:\n"
                                                 "      readOnlyRootFilesystem: true\n"))
                  .empty());
}

// ---- KG-POD-005 dangerous-capabilities

TEST(PodDangerousCapabilities, ReportsEachDangerousCapabilityWithItsSeverity) {
  auto f = findings_of("KG-POD-005", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      capabilities:\n"
                                              "        add: [NET_BIND_SERVICE, cap_sys_admin, NET_RAW, chown]\n"));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].path, "spec.containers[0].securityContext.capabilities.add[1]");
  EXPECT_EQ(f[0].severity, rules::Severity::Critical);
  EXPECT_NE(f[0].message.find("cap_sys_admin"), std::string::npos);
  EXPECT_EQ(f[1].path, "spec.containers[0].securityContext.capabilities.add[2]");
  EXPECT_EQ(f[1].severity, rules::Severity::High);
  EXPECT_EQ(f[1].mark.line, 12u);
  EXPECT_EQ(f[1].mark.column, 48u);
}

TEST(PodDangerousCapabilities, AllIsCritical) {
  auto f = findings_of("KG-POD-005", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      capabilities:\n"
                                              "        add:\n"
                                              "        - ALL\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, rules::Severity::Critical);
}

TEST(PodDangerousCapabilities, HarmlessCapabilitiesPass) {
  EXPECT_TRUE(findings_of("KG-POD-005", pod_yaml("  containers:\n"
                                                 "  - name: app\n"
                                                 "    image: nginx:1.25\n"
                                                 "    securityContext:\n"
                                                 "      capabilities:\n"
                                                 "        drop: [ALL]\n"
                                                 "        add: [NET_BIND_SERVICE, CAP_CHOWN]\n"))
                  .empty());
}

TEST(Capabilities, NormalisedWithoutCaseOrPrefix) {
  EXPECT_EQ(rules::pod::normalize_capability("cap_sys_admin"), "SYS_ADMIN");
  EXPECT_EQ(rules::pod::normalize_capability("CAP_NET_RAW"), "NET_RAW");
  EXPECT_EQ(rules::pod::normalize_capability("Net_Admin"), "NET_ADMIN");
  EXPECT_EQ(rules::pod::normalize_capability("CAPS"), "CAPS");
}

// ---- KG-POD-006 capabilities-not-dropped

TEST(PodCapabilitiesNotDropped, PartialDropIsReportedAtTheList) {
  auto f = findings_of("KG-POD-006", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      capabilities:\n"
                                              "        drop: [NET_RAW]\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.containers[0].securityContext.capabilities.drop");
}

TEST(PodCapabilitiesNotDropped, MissingCapabilitiesIsReportedAtSecurityContext) {
  auto f = findings_of("KG-POD-006", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      runAsNonRoot: true\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.containers[0].securityContext");
}

TEST(PodCapabilitiesNotDropped, DropAllInAnySpellingPasses) {
  for (std::string_view spelling : {"ALL", "all", "CAP_ALL"}) {
    std::string spec =
        "  containers:\n"
        "  - name: app\n"
        "    image: nginx:1.25\n"
        "    securityContext:\n"
        "      capabilities:\n"
        "        drop: [" +
        std::string(spelling) + "]\n";
    EXPECT_TRUE(findings_of("KG-POD-006", pod_yaml(spec)).empty()) << spelling;
  }
}

// ---- KG-POD-013 seccomp-not-restricted

TEST(PodSeccomp, MissingProfileIsReported) {
  auto f = findings_of("KG-POD-013", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.containers[0]");
}

TEST(PodSeccomp, PodLevelRuntimeDefaultIsInherited) {
  EXPECT_TRUE(findings_of("KG-POD-013", pod_yaml("  securityContext:\n"
                                                 "    seccompProfile:\n"
                                                 "      type: RuntimeDefault\n"
                                                 "  containers:\n"
                                                 "  - name: app\n"
                                                 "    image: nginx:1.25\n"
                                                 "  - name: local\n"
                                                 "    image: nginx:1.25\n"
                                                 "    securityContext:\n"
                                                 "      seccompProfile:\n"
                                                 "        type: Localhost\n"
                                                 "        localhostProfile: profiles/app.json\n"))
                  .empty());
}

TEST(PodSeccomp, ContainerUnconfinedOverridesPod) {
  auto f = findings_of("KG-POD-013", pod_yaml("  securityContext:\n"
                                              "    seccompProfile:\n"
                                              "      type: RuntimeDefault\n"
                                              "  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      seccompProfile:\n"
                                              "        type: Unconfined\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.containers[0].securityContext.seccompProfile.type");
  EXPECT_EQ(f[0].mark.line, 15u);
  EXPECT_EQ(f[0].mark.column, 15u);
}

TEST(PodSeccomp, ContainerRuntimeDefaultOverridesUnconfinedPod) {
  auto f = findings_of("KG-POD-013", pod_yaml("  securityContext:\n"
                                              "    seccompProfile:\n"
                                              "      type: Unconfined\n"
                                              "  containers:\n"
                                              "  - name: confined\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      seccompProfile:\n"
                                              "        type: RuntimeDefault\n"
                                              "  - name: open\n"
                                              "    image: nginx:1.25\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].container, "open");
  EXPECT_EQ(f[0].path, "spec.securityContext.seccompProfile.type");
}

TEST(PodSeccomp, LegacyAnnotations) {
  std::string spec =
      "  containers:\n"
      "  - name: app\n"
      "    image: nginx:1.25\n"
      "  - name: side\n"
      "    image: nginx:1.25\n";
  EXPECT_TRUE(findings_of("KG-POD-013", pod_yaml(spec,
                                                 "  annotations:\n"
                                                 "    seccomp.security.alpha.kubernetes.io/pod: runtime/default\n"))
                  .empty());
  EXPECT_TRUE(findings_of("KG-POD-013", pod_yaml(spec,
                                                 "  annotations:\n"
                                                 "    seccomp.security.alpha.kubernetes.io/pod: docker/default\n"))
                  .empty());
  auto f = findings_of("KG-POD-013", pod_yaml(spec,
                                              "  annotations:\n"
                                              "    seccomp.security.alpha.kubernetes.io/pod: runtime/default\n"
                                              "    container.seccomp.security.alpha.kubernetes.io/side: unconfined\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].container, "side");
  EXPECT_EQ(f[0].path, "metadata.annotations[\"container.seccomp.security.alpha.kubernetes.io/side\"]");
  EXPECT_EQ(f[0].mark.line, 8u);
}

TEST(PodSeccomp, ContainerAnnotationBeatsPodField) {
  // The kubelet's order: container field, container annotation, pod field, pod annotation.
  auto f = findings_of("KG-POD-013", pod_yaml("  securityContext:\n"
                                              "    seccompProfile:\n"
                                              "      type: RuntimeDefault\n"
                                              "  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n",
                                              "  annotations:\n"
                                              "    container.seccomp.security.alpha.kubernetes.io/app: unconfined\n"));
  EXPECT_EQ(f.size(), 1u);
}

TEST(PodSeccomp, WindowsPodsAreSkipped) {
  EXPECT_TRUE(findings_of("KG-POD-013", pod_yaml("  os:\n"
                                                 "    name: windows\n"
                                                 "  containers:\n"
                                                 "  - name: app\n"
                                                 "    image: mcr.microsoft.com/windows/nanoserver:ltsc2022\n"))
                  .empty());
}

// ---- KG-POD-014 apparmor-unconfined

TEST(PodAppArmor, UnconfinedFieldIsReported) {
  auto f = findings_of("KG-POD-014", pod_yaml("  securityContext:\n"
                                              "    appArmorProfile:\n"
                                              "      type: Unconfined\n"
                                              "  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.securityContext.appArmorProfile.type");
  EXPECT_EQ(f[0].container, "app");
}

TEST(PodAppArmor, ContainerRuntimeDefaultOverridesPodUnconfined) {
  EXPECT_TRUE(findings_of("KG-POD-014", pod_yaml("  securityContext:\n"
                                                 "    appArmorProfile:\n"
                                                 "      type: Unconfined\n"
                                                 "  containers:\n"
                                                 "  - name: app\n"
                                                 "    image: nginx:1.25\n"
                                                 "    securityContext:\n"
                                                 "      appArmorProfile:\n"
                                                 "        type: RuntimeDefault\n"))
                  .empty());
}

TEST(PodAppArmor, UnconfinedAnnotationIsReported) {
  auto f = findings_of("KG-POD-014", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n",
                                              "  annotations:\n"
                                              "    container.apparmor.security.beta.kubernetes.io/app: unconfined\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "metadata.annotations[\"container.apparmor.security.beta.kubernetes.io/app\"]");
}

TEST(PodAppArmor, MissingOrRuntimeDefaultPasses) {
  EXPECT_TRUE(
      findings_of("KG-POD-014", pod_yaml("  containers:\n"
                                         "  - name: app\n"
                                         "    image: nginx:1.25\n"
                                         "  - name: other\n"
                                         "    image: nginx:1.25\n",
                                         "  annotations:\n"
                                         "    container.apparmor.security.beta.kubernetes.io/app: runtime/default\n"))
          .empty());
}

// ---- KG-POD-015 selinux-custom-options

TEST(PodSeLinux, CustomTypeUserAndRoleAreReported) {
  auto f = findings_of("KG-POD-015", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      seLinuxOptions:\n"
                                              "        type: spc_t\n"
                                              "        user: system_u\n"
                                              "        role: system_r\n"));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].path, "spec.containers[0].securityContext.seLinuxOptions.type");
  EXPECT_NE(f[0].message.find("spc_t"), std::string::npos);
  EXPECT_EQ(f[1].path, "spec.containers[0].securityContext.seLinuxOptions.user");
  EXPECT_EQ(f[2].path, "spec.containers[0].securityContext.seLinuxOptions.role");
}

TEST(PodSeLinux, ContainerTypesAndLevelPass) {
  EXPECT_TRUE(findings_of("KG-POD-015", pod_yaml("  securityContext:\n"
                                                 "    seLinuxOptions:\n"
                                                 "      level: \"s0:c123,c456\"\n"
                                                 "  containers:\n"
                                                 "  - name: app\n"
                                                 "    image: nginx:1.25\n"
                                                 "    securityContext:\n"
                                                 "      seLinuxOptions:\n"
                                                 "        type: container_init_t\n"))
                  .empty());
}

TEST(PodSeLinux, PodLevelTypeIsInherited) {
  auto f = findings_of("KG-POD-015", pod_yaml("  securityContext:\n"
                                              "    seLinuxOptions:\n"
                                              "      type: unconfined_t\n"
                                              "  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.securityContext.seLinuxOptions.type");
}

// ---- KG-POD-016 unmasked-proc-mount

TEST(PodProcMount, UnmaskedIsReported) {
  auto f = findings_of("KG-POD-016", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    securityContext:\n"
                                              "      procMount: Unmasked\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.containers[0].securityContext.procMount");
}

TEST(PodProcMount, DefaultPasses) {
  EXPECT_TRUE(findings_of("KG-POD-016", pod_yaml("  containers:\n"
                                                 "  - name: app\n"
                                                 "    image: nginx:1.25\n"
                                                 "    securityContext:\n"
                                                 "      procMount: Default\n"))
                  .empty());
}

}  // namespace
}  // namespace kg::testing
