// KG-POD-007 to 012 and 017: what a pod takes from the node.
#include <gtest/gtest.h>

#include "rules/pod/host_paths.h"
#include "rules/pod_test_util.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

const std::string_view kOneContainer =
    "  containers:\n"
    "  - name: app\n"
    "    image: nginx:1.25\n";

// ---- KG-POD-007, 008, 009 host namespaces

TEST(PodHostNamespaces, EachSwitchHasItsRule) {
  std::string yaml = pod_yaml(std::string("  hostNetwork: true\n"
                                          "  hostPID: true\n"
                                          "  hostIPC: true\n") +
                              std::string(kOneContainer));
  auto network = findings_of("KG-POD-007", yaml);
  ASSERT_EQ(network.size(), 1u);
  EXPECT_EQ(network[0].path, "spec.hostNetwork");
  EXPECT_EQ(network[0].mark.line, 7u);
  EXPECT_EQ(network[0].mark.column, 16u);
  auto pid = findings_of("KG-POD-008", yaml);
  ASSERT_EQ(pid.size(), 1u);
  EXPECT_EQ(pid[0].path, "spec.hostPID");
  auto ipc = findings_of("KG-POD-009", yaml);
  ASSERT_EQ(ipc.size(), 1u);
  EXPECT_EQ(ipc[0].path, "spec.hostIPC");
}

TEST(PodHostNamespaces, FalseOrMissingPasses) {
  std::string yaml = pod_yaml(std::string("  hostNetwork: false\n"
                                          "  hostPID: false\n") +
                              std::string(kOneContainer));
  EXPECT_TRUE(findings_of("KG-POD-007", yaml).empty());
  EXPECT_TRUE(findings_of("KG-POD-008", yaml).empty());
  EXPECT_TRUE(findings_of("KG-POD-009", yaml).empty());
}

// ---- KG-POD-010 host-path-volume

TEST(PodHostPath, NamesHostPathAndWritableMounts) {
  auto f = findings_of("KG-POD-010", pod_yaml("  containers:\n"
                                              "  - name: reader\n"
                                              "    image: nginx:1.25\n"
                                              "    volumeMounts:\n"
                                              "    - name: logs\n"
                                              "      mountPath: /r\n"
                                              "      readOnly: true\n"
                                              "  - name: writer\n"
                                              "    image: nginx:1.25\n"
                                              "    volumeMounts:\n"
                                              "    - name: logs\n"
                                              "      mountPath: /w\n"
                                              "  volumes:\n"
                                              "  - name: scratch\n"
                                              "    emptyDir: {}\n"
                                              "  - name: logs\n"
                                              "    hostPath:\n"
                                              "      path: /var/log\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.volumes[1].hostPath.path");
  EXPECT_EQ(f[0].mark.line, 24u);
  EXPECT_NE(f[0].message.find("'/var/log'"), std::string::npos);
  EXPECT_NE(f[0].message.find("container 'writer' at /w"), std::string::npos);
  EXPECT_EQ(f[0].message.find("reader"), std::string::npos);
}

TEST(PodHostPath, ReadOnlyMountMentionsNoWriter) {
  auto f = findings_of("KG-POD-010", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    volumeMounts:\n"
                                              "    - name: host\n"
                                              "      mountPath: /h\n"
                                              "      readOnly: true\n"
                                              "  volumes:\n"
                                              "  - name: host\n"
                                              "    hostPath:\n"
                                              "      path: /etc/ssl/certs\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].message.find("writable"), std::string::npos);
}

TEST(PodHostPath, OtherVolumesPass) {
  EXPECT_TRUE(findings_of("KG-POD-010", pod_yaml("  containers:\n"
                                                 "  - name: app\n"
                                                 "    image: nginx:1.25\n"
                                                 "  volumes:\n"
                                                 "  - name: a\n"
                                                 "    emptyDir: {}\n"
                                                 "  - name: b\n"
                                                 "    configMap:\n"
                                                 "      name: cfg\n"))
                  .empty());
}

// ---- KG-POD-011 container-runtime-socket

std::string pod_with_host_path(std::string_view path) {
  return pod_yaml(std::string(kOneContainer) +
                  "  volumes:\n  - name: v\n    hostPath:\n      path: " + std::string(path) + "\n");
}

TEST(PodRuntimeSocket, SocketsDirectoriesAndAncestorsAreReported) {
  for (std::string_view path :
       {"/var/run/docker.sock", "/run/docker.sock", "/var/run/containerd/containerd.sock", "/run/containerd",
        "/run/containerd/", "/var/run/crio/crio.sock", "/var/run/cri-dockerd.sock", "/var/run", "/run", "/",
        "/var/lib/docker", "/var/lib/containerd/", "//var//run//docker.sock", "/var/lib", "/var"}) {
    auto f = findings_of("KG-POD-011", pod_with_host_path(path));
    ASSERT_EQ(f.size(), 1u) << path;
    EXPECT_EQ(f[0].path, "spec.volumes[0].hostPath.path");
    EXPECT_EQ(f[0].severity, rules::Severity::Critical);
  }
}

TEST(PodRuntimeSocket, OtherHostPathsPass) {
  for (std::string_view path : {"/var/log", "/etc/ssl/certs", "/var/lib/kubelet", "/var/lib/docker/containers",
                                "/run/xtables.lock", "/var/run/dockerx.sock", "/proc", "/sys"}) {
    EXPECT_TRUE(findings_of("KG-POD-011", pod_with_host_path(path)).empty()) << path;
  }
}

TEST(PodRuntimeSocket, MessageNamesWhatTheAncestorExposes) {
  auto f = findings_of("KG-POD-011", pod_with_host_path("/run"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].message.find("'/run'"), std::string::npos);
  EXPECT_NE(f[0].message.find("exposes"), std::string::npos);
}

TEST(HostPaths, Normalisation) {
  using rules::pod::normalize_host_path;
  EXPECT_EQ(normalize_host_path("/var/run/"), "/var/run");
  EXPECT_EQ(normalize_host_path("//var/./run//"), "/var/run");
  EXPECT_EQ(normalize_host_path("/var/lib/../run/docker.sock"), "/var/run/docker.sock");
  EXPECT_EQ(normalize_host_path("/../.."), "/");
  EXPECT_EQ(normalize_host_path("/"), "/");
}

TEST(HostPaths, RuntimeEndpointCoverage) {
  using rules::pod::exposed_runtime_endpoint;
  EXPECT_EQ(exposed_runtime_endpoint("/run/containerd/io.containerd.runtime.v2.task").value_or(""), "/run/containerd");
  EXPECT_EQ(exposed_runtime_endpoint("/var/lib").value_or(""), "/var/lib/docker");
  EXPECT_FALSE(exposed_runtime_endpoint("/var/run/docker.sock.d").has_value());
  EXPECT_FALSE(exposed_runtime_endpoint("/var/lib/containerd/io.containerd.content.v1.content").has_value());
}

// ---- KG-POD-012 host-port

TEST(PodHostPort, NonZeroHostPortIsReported) {
  auto f = findings_of("KG-POD-012", pod_yaml("  containers:\n"
                                              "  - name: app\n"
                                              "    image: nginx:1.25\n"
                                              "    ports:\n"
                                              "    - containerPort: 80\n"
                                              "    - containerPort: 443\n"
                                              "      hostPort: 8443\n"));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.containers[0].ports[1].hostPort");
  EXPECT_EQ(f[0].mark.line, 13u);
  EXPECT_EQ(f[0].mark.column, 17u);
  EXPECT_NE(f[0].message.find("8443"), std::string::npos);
}

TEST(PodHostPort, ZeroOrMissingPasses) {
  EXPECT_TRUE(findings_of("KG-POD-012", pod_yaml("  containers:\n"
                                                 "  - name: app\n"
                                                 "    image: nginx:1.25\n"
                                                 "    ports:\n"
                                                 "    - containerPort: 80\n"
                                                 "      hostPort: 0\n"
                                                 "    - containerPort: 81\n"))
                  .empty());
}

// ---- KG-POD-017 unsafe-sysctls

TEST(PodSysctls, UnsafeNamesAreReportedOneByOne) {
  auto f = findings_of("KG-POD-017", pod_yaml(std::string("  securityContext:\n"
                                                          "    sysctls:\n"
                                                          "    - name: net.ipv4.tcp_syncookies\n"
                                                          "      value: \"1\"\n"
                                                          "    - name: kernel.msgmax\n"
                                                          "      value: \"65536\"\n"
                                                          "    - name: net.core.somaxconn\n"
                                                          "      value: \"1024\"\n") +
                                              std::string(kOneContainer)));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].path, "spec.securityContext.sysctls[1].name");
  EXPECT_NE(f[0].message.find("kernel.msgmax"), std::string::npos);
  EXPECT_EQ(f[1].path, "spec.securityContext.sysctls[2].name");
}

TEST(PodSysctls, SafeSetPassesInBothSpellings) {
  EXPECT_TRUE(findings_of("KG-POD-017", pod_yaml(std::string("  securityContext:\n"
                                                             "    sysctls:\n"
                                                             "    - name: kernel.shm_rmid_forced\n"
                                                             "      value: \"1\"\n"
                                                             "    - name: net/ipv4/ip_local_port_range\n"
                                                             "      value: \"1024 65000\"\n"
                                                             "    - name: net.ipv4.tcp_keepalive_probes\n"
                                                             "      value: \"5\"\n") +
                                                 std::string(kOneContainer)))
                  .empty());
}

}  // namespace
}  // namespace kg::testing
