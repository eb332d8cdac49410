// Version boundaries and wording of the PSS checks, one boundary at a time.
#include <gtest/gtest.h>

#include "pss/registry.h"
#include "pss_test_support.h"

namespace kg {
namespace {

using testing::evaluate_pod;
using testing::restricted_pod;
using Ids = std::set<std::string>;

std::string without(std::string text, std::string_view part) {
  auto at = text.find(part);
  if (at != std::string::npos) text.erase(at, part.size());
  return text;
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  auto at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(PssVersions, BasePodPassesRestrictedAtEveryVersion) {
  for (int minor = 0; minor <= pss::kLatestMinor + 3; ++minor) {
    auto e = evaluate_pod(restricted_pod(), "restricted:v1." + std::to_string(minor));
    EXPECT_TRUE(e->result.allowed) << "v1." << minor << ": " << pss::describe(e->result);
  }
}

TEST(PssVersions, SysctlSafeSetGrowsAt127And129And132And137) {
  struct Case {
    const char* sysctl;
    int first_safe_minor;
  };
  for (Case c : {Case{"net.ipv4.ip_local_reserved_ports", 27}, Case{"net.ipv4.tcp_keepalive_probes", 29},
                 Case{"net.ipv4.tcp_wmem", 32}, Case{"net.ipv4.tcp_notsent_lowat", 37}}) {
    std::string extra = std::string("    sysctls:\n    - name: ") + c.sysctl + "\n      value: \"1\"\n";
    auto before = evaluate_pod(restricted_pod(extra), "baseline:v1." + std::to_string(c.first_safe_minor - 1));
    auto at = evaluate_pod(restricted_pod(extra), "baseline:v1." + std::to_string(c.first_safe_minor));
    EXPECT_EQ(before->failing(), Ids{"sysctls"}) << c.sysctl;
    EXPECT_TRUE(at->result.allowed) << c.sysctl << ": " << pss::describe(at->result);
  }
  auto e = evaluate_pod(restricted_pod("    sysctls:\n    - name: kernel.msgmax\n    - name: vm.swappiness\n"),
                        "baseline:latest");
  const pss::CheckFailure* f = e->failure("sysctls");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->reason, "forbidden sysctls");
  EXPECT_EQ(f->detail, "kernel.msgmax, vm.swappiness");
  ASSERT_EQ(f->fields.size(), 2u);
  EXPECT_EQ(f->fields[1].path, "spec.securityContext.sysctls[1].name");
}

TEST(PssVersions, RestrictedChecksAppearAtTheirFirstVersion) {
  // capabilities_restricted from 1.22, runAsUser from 1.23, allowPrivilegeEscalation from 1.8,
  // seccompProfile_restricted from 1.19.
  std::string no_drop = without(restricted_pod(), "      capabilities:\n        drop: [ALL]\n");
  EXPECT_TRUE(evaluate_pod(no_drop, "restricted:v1.21")->result.allowed);
  EXPECT_EQ(evaluate_pod(no_drop, "restricted:v1.22")->failing(), Ids{"capabilities_restricted"});

  std::string root = restricted_pod("    runAsUser: 0\n");
  EXPECT_TRUE(evaluate_pod(root, "restricted:v1.22")->result.allowed);
  auto at = evaluate_pod(root, "restricted:v1.23");
  EXPECT_EQ(at->failing(), Ids{"runAsUser"});
  EXPECT_EQ(at->failure("runAsUser")->detail, "pod must not set runAsUser=0");

  std::string escalating =
      replaced(restricted_pod(), "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true");
  EXPECT_TRUE(evaluate_pod(escalating, "restricted:v1.7")->result.allowed);
  EXPECT_EQ(evaluate_pod(escalating, "restricted:v1.8")->failing(), Ids{"allowPrivilegeEscalation"});

  std::string no_seccomp = without(restricted_pod(), "    seccompProfile:\n      type: RuntimeDefault\n");
  EXPECT_TRUE(evaluate_pod(no_seccomp, "restricted:v1.18")->result.allowed);
  auto seccomp = evaluate_pod(no_seccomp, "restricted:v1.19");
  EXPECT_EQ(seccomp->failing(), Ids{"seccompProfile_restricted"});
  EXPECT_EQ(
      seccomp->failure("seccompProfile_restricted")->detail,
      R"(pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")");
}

TEST(PssVersions, WindowsPodsAreExemptFromLinuxOnlyFieldsFrom125) {
  const char* windows = R"(apiVersion: v1
kind: Pod
metadata: {name: w}
spec:
  os: {name: windows}
  securityContext: {runAsNonRoot: true}
  containers:
  - name: app
    image: mcr.microsoft.com/windows/nanoserver
)";
  EXPECT_EQ(evaluate_pod(windows, "restricted:v1.24")->failing(),
            (Ids{"allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"}));
  EXPECT_TRUE(evaluate_pod(windows, "restricted:v1.25")->result.allowed);
}

TEST(PssVersions, ProbeAndLifecycleHostsFrom134) {
  std::string probe = restricted_pod("", "    livenessProbe:\n      httpGet: {host: 169.254.169.254, port: 80}\n");
  EXPECT_TRUE(evaluate_pod(probe, "baseline:v1.33")->result.allowed);
  auto e = evaluate_pod(probe, "baseline:v1.34");
  const pss::CheckFailure* f = e->failure("hostProbesAndHostLifecycle");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->detail, R"(container "app" uses probe or lifecycle host "169.254.169.254")");
  EXPECT_EQ(f->fields[0].path, "spec.containers[0].livenessProbe.httpGet.host");
}

TEST(PssVersions, UserNamespacesRelaxProcMountAndRootChecksFrom135) {
  std::string unmasked = restricted_pod("", "      procMount: Unmasked\n", "  hostUsers: false\n");
  EXPECT_EQ(evaluate_pod(unmasked, "baseline:v1.34")->failing(), Ids{"procMount"});
  EXPECT_TRUE(evaluate_pod(unmasked, "baseline:v1.35")->result.allowed);
  // Restricted keeps the unrelaxed rule under its own ID, and stops running the baseline one.
  EXPECT_EQ(evaluate_pod(unmasked, "restricted:v1.34")->failing(), Ids{"procMount"});
  EXPECT_EQ(evaluate_pod(unmasked, "restricted:v1.35")->failing(), Ids{"procMount_restricted"});

  std::string root = replaced(restricted_pod("    runAsUser: 0\n", "", "  hostUsers: false\n"), "runAsNonRoot: true",
                              "runAsNonRoot: false");
  EXPECT_EQ(evaluate_pod(root, "restricted:v1.34")->failing(), (Ids{"runAsNonRoot", "runAsUser"}));
  EXPECT_TRUE(evaluate_pod(root, "restricted:v1.35")->result.allowed);
}

TEST(PssVersions, SeLinuxContainerEngineTypeFrom131) {
  std::string engine = restricted_pod("    seLinuxOptions: {type: container_engine_t}\n");
  auto before = evaluate_pod(engine, "baseline:v1.30");
  ASSERT_EQ(before->failing(), Ids{"seLinuxOptions"});
  EXPECT_EQ(before->failure("seLinuxOptions")->detail,
            R"(pod set forbidden securityContext.seLinuxOptions: type "container_engine_t")");
  EXPECT_TRUE(evaluate_pod(engine, "baseline:v1.31")->result.allowed);
  auto user = evaluate_pod(restricted_pod("", "      seLinuxOptions: {user: system_u, role: r}\n"), "baseline:latest");
  EXPECT_EQ(
      user->failure("seLinuxOptions")->detail,
      R"(container "app" set forbidden securityContext.seLinuxOptions: user may not be set; role may not be set)");
}

TEST(PssVersions, SeccompBaselineReadsAnnotationsBefore119AndFieldsAfter) {
  std::string annotated =
      replaced(restricted_pod(), "  name: p\n",
               "  name: p\n  annotations:\n    container.seccomp.security.alpha.kubernetes.io/app: unconfined\n");
  auto old = evaluate_pod(annotated, "baseline:v1.18");
  ASSERT_EQ(old->failing(), Ids{"seccompProfile_baseline"});
  EXPECT_EQ(old->failure("seccompProfile_baseline")->detail,
            R"(forbidden annotation container.seccomp.security.alpha.kubernetes.io/app="unconfined")");
  EXPECT_EQ(old->failure("seccompProfile_baseline")->fields[0].path,
            R"(metadata.annotations["container.seccomp.security.alpha.kubernetes.io/app"])");
  EXPECT_TRUE(evaluate_pod(annotated, "baseline:v1.19")->result.allowed);

  std::string unconfined = restricted_pod("", "      seccompProfile: {type: Unconfined}\n");
  EXPECT_TRUE(evaluate_pod(unconfined, "baseline:v1.18")->result.allowed);
  EXPECT_EQ(evaluate_pod(unconfined, "baseline:v1.19")->failing(), Ids{"seccompProfile_baseline"});
  // Restricted reports it once, through the check that replaces the baseline one.
  EXPECT_EQ(evaluate_pod(unconfined, "restricted:v1.19")->failing(), Ids{"seccompProfile_restricted"});
}

TEST(PssVersions, RestrictedReplacesOverlappingBaselineChecks) {
  std::string host_path = restricted_pod("", "", "  volumes:\n  - name: root\n    hostPath: {path: /}\n");
  auto baseline = evaluate_pod(host_path, "baseline:latest");
  ASSERT_EQ(baseline->failing(), Ids{"hostPathVolumes"});
  EXPECT_EQ(baseline->failure("hostPathVolumes")->detail, R"(volume "root")");
  auto restricted = evaluate_pod(host_path, "restricted:latest");
  ASSERT_EQ(restricted->failing(), Ids{"restrictedVolumes"});
  EXPECT_EQ(restricted->failure("restrictedVolumes")->detail,
            R"(volume "root" uses restricted volume type "hostPath")");

  const pss::CheckDef* caps = pss::find_check("capabilities_baseline");
  ASSERT_NE(caps, nullptr);
  EXPECT_EQ(pss::replaced_by(*caps, {pss::Level::Restricted, {1, 21}}), nullptr);
  ASSERT_NE(pss::replaced_by(*caps, {pss::Level::Restricted, {1, 22}}), nullptr);
  EXPECT_EQ(pss::replaced_by(*caps, {pss::Level::Restricted, {1, 22}})->id, "capabilities_restricted");
  EXPECT_EQ(pss::replaced_by(*caps, {pss::Level::Baseline, {1, 30}}), nullptr);
}

TEST(PssVersions, VersionsPastTheNewestBehaveAsTheNewestAndPrivilegedAllowsAll) {
  std::string host_network = restricted_pod("", "", "  hostNetwork: true\n");
  EXPECT_EQ(evaluate_pod(host_network, "baseline:v1.99")->failing(), Ids{"hostNamespaces"});
  EXPECT_EQ(evaluate_pod(host_network, "baseline:latest")->failure("hostNamespaces")->detail, "hostNetwork=true");
  EXPECT_TRUE(evaluate_pod(host_network, "privileged:latest")->result.allowed);
}

TEST(PssVersions, AppArmorFieldsAndAnnotationsAtEveryVersion) {
  std::string pod =
      replaced(restricted_pod("    appArmorProfile: {type: Unconfined}\n"), "  name: p\n",
               "  name: p\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: unconfined\n");
  for (const char* policy : {"baseline:v1.0", "baseline:v1.29", "baseline:latest"}) {
    auto e = evaluate_pod(pod, policy);
    const pss::CheckFailure* f = e->failure("appArmorProfile");
    ASSERT_NE(f, nullptr) << policy;
    EXPECT_EQ(f->reason, "forbidden AppArmor profiles");
    EXPECT_EQ(f->detail, R"(pod and annotation must not set AppArmor profile type to "Unconfined", )"
                         R"("container.apparmor.security.beta.kubernetes.io/app="unconfined"")");
  }
}

TEST(PssVersions, HostPortsAreListedAsUpstreamSortsThem) {
  std::string pod = restricted_pod(
      "", "    ports:\n    - {containerPort: 80, hostPort: 9}\n    - {containerPort: 81, hostPort: 10}\n");
  auto e = evaluate_pod(pod, "baseline:latest");
  const pss::CheckFailure* f = e->failure("hostPorts");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->detail, R"(container "app" uses hostPorts 10, 9)");
  ASSERT_EQ(f->fields.size(), 2u);
  EXPECT_EQ(f->fields[0].path, "spec.containers[0].ports[0].hostPort");
  EXPECT_EQ(f->fields[0].node->mark().line, 18u);
  EXPECT_EQ(f->fields[0].container->name, "app");
}

TEST(PssVersions, WorkloadTemplatesAreEvaluatedWithTheirTemplateMetadata) {
  const char* deployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: unconfined
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: localhost/tight
    spec:
      containers:
      - name: app
        image: x
        securityContext:
          privileged: true
)";
  auto e = evaluate_pod(deployment, "baseline:latest");
  EXPECT_EQ(e->failing(), Ids{"privileged"});
  EXPECT_EQ(e->failure("privileged")->fields[0].path, "spec.template.spec.containers[0].securityContext.privileged");
}

}  // namespace
}  // namespace kg
