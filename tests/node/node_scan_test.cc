// The NODE rules on kubeadm's static pod manifests, the upstream kubelet
// configurations, real files with real modes, and command lines read as the
// components' flag package reads them.
#include "fronts/node/node_scan.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "engine/temp_tree.h"
#include "node/component.h"
#include "rules/node/node_rules.h"
#include "support/test_support.h"

namespace kg {
namespace {

using testing::source;

std::string fixture(std::string_view name) { return source("tests/node/data/" + std::string(name)); }

// Rule IDs by object display name, unsuppressed findings only.
std::map<std::string, std::set<std::string>> rules_by_object(const engine::ScanResult& result) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& f : result.findings) {
    if (f.rule_id.starts_with("KG-NODE-") && !f.suppressed) out[f.object.display()].insert(f.rule_id);
  }
  return out;
}

std::vector<node::Argument> args(std::initializer_list<const char*> list) {
  std::vector<node::Argument> out;
  for (const char* a : list) out.push_back({a, {}});
  return out;
}

TEST(NodeFlags, ReadsAsPflagDoes) {
  auto flags = node::parse_flags(args({"--a=1", "--b", "two", "--profiling", "false", "-v=2", "--c", "--d", "x",
                                       "--a=3", "positional", "--", "--e=9"}));
  std::map<std::string, std::string> last;
  for (const auto& f : flags) last[f.name] = f.value;
  EXPECT_EQ(last["a"], "3");
  EXPECT_EQ(last["b"], "two");
  EXPECT_EQ(last["profiling"], "true");  // a boolean flag never takes the next argument
  EXPECT_EQ(last["v"], "2");
  EXPECT_EQ(last["c"], "true");  // followed by a flag
  EXPECT_EQ(last["d"], "x");
  EXPECT_FALSE(last.contains("e"));  // after "--"
  node::Component c;
  c.flags = flags;
  ASSERT_NE(c.flag("a"), nullptr);
  EXPECT_EQ(c.flag("a")->value, "3");
  EXPECT_EQ(node::etcd_flag_of_variable("ETCD_CLIENT_CERT_AUTH"), "client-cert-auth");
  EXPECT_EQ(node::etcd_flag_of_variable("HOME"), "");
}

TEST(NodeCatalog, EveryRuleNamesACisSection) {
  const auto& catalog = testing::catalog();
  size_t n = 0;
  for (const auto& rule : rules::node::node_rules()) {
    ++n;
    EXPECT_EQ(rule.meta->family, "NODE");
    bool cis = std::any_of(rule.meta->references.begin(), rule.meta->references.end(),
                           [](const rules::Reference& r) { return r.kind == rules::ReferenceKind::Cis; });
    EXPECT_TRUE(cis) << rule.meta->id;
    const auto* entry = catalog.find(rule.meta->id);
    ASSERT_NE(entry, nullptr) << rule.meta->id;
    EXPECT_EQ(entry->scope, rules::RuleScope::Object);
  }
  EXPECT_EQ(n, 55u);
}

// What kube-bench reports for a default kubeadm control plane, by flags alone.
TEST(NodeManifests, KubeadmStaticPodsThroughScan) {
  engine::ScanRequest request;
  request.inputs = {fixture("kubeadm")};
  request.threads = 1;
  auto result = engine::scan(request, testing::catalog(), engine::Config{});
  auto by_object = rules_by_object(result);
  EXPECT_EQ(by_object["Pod kube-system/kube-apiserver"],
            (std::set<std::string>{"KG-NODE-001", "KG-NODE-007", "KG-NODE-013", "KG-NODE-014", "KG-NODE-015",
                                   "KG-NODE-016", "KG-NODE-017", "KG-NODE-023", "KG-NODE-024", "KG-NODE-026"}));
  EXPECT_EQ(by_object["Pod kube-system/kube-controller-manager"], (std::set<std::string>{"KG-NODE-026"}));
  EXPECT_EQ(by_object["Pod kube-system/kube-scheduler"], (std::set<std::string>{"KG-NODE-026"}));
  EXPECT_FALSE(by_object.contains("Pod kube-system/etcd"));
  // Findings point at the pod's command: the flag when it is there, the program otherwise.
  for (const auto& f : result.findings) {
    if (f.rule_id != "KG-NODE-001") continue;
    EXPECT_EQ(f.path, "spec.containers[0].command[0]");
    EXPECT_EQ(f.container, "kube-apiserver");
    EXPECT_GT(f.mark.line, 0u);
  }
}

TEST(NodeManifests, WeakFlagsPointAtTheirArgument) {
  auto findings = testing::scan_text(R"(apiVersion: v1
kind: Pod
metadata: {name: etcd, namespace: kube-system}
spec:
  containers:
  - name: etcd
    image: registry.k8s.io/etcd:3.5.24-0
    command: [etcd, --listen-client-urls=http://0.0.0.0:2379, --auto-tls=true]
    env:
    - {name: ETCD_CLIENT_CERT_AUTH, value: "false"}
---
apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.33.13
    command: [kube-apiserver]
    args: [--authorization-mode=AlwaysAllow, --token-auth-file=/etc/tokens.csv, --anonymous-auth, "false",
           --enable-admission-plugins=AlwaysAdmit, --disable-admission-plugins=ServiceAccount]
)")
                      .findings;
  std::map<std::string, std::string> path_of;  // the first finding of each rule
  for (const auto& f : findings) path_of.emplace(f.rule_id, f.path);
  EXPECT_EQ(path_of["KG-NODE-032"], "spec.containers[0].command[1]");  // http:// client URL
  EXPECT_EQ(path_of["KG-NODE-034"], "spec.containers[0].command[2]");  // --auto-tls=true
  EXPECT_EQ(path_of["KG-NODE-033"], "spec.containers[0].env[0].value");
  EXPECT_EQ(path_of["KG-NODE-003"], "spec.containers[0].args[0]");
  EXPECT_EQ(path_of["KG-NODE-002"], "spec.containers[0].args[1]");
  EXPECT_EQ(path_of["KG-NODE-001"], "spec.containers[0].args[2]");  // "--anonymous-auth false" is true
  EXPECT_EQ(path_of["KG-NODE-010"], "spec.containers[0].args[4]");
  EXPECT_EQ(path_of["KG-NODE-012"], "spec.containers[0].args[5]");
}

TEST(NodeManifests, OrdinaryPodsAreNotComponents) {
  auto findings = testing::scan_text(R"(apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
  - name: web
    image: nginx:1.27
    command: [nginx, -g, daemon off;]
)")
                      .findings;
  for (const auto& f : findings) EXPECT_FALSE(f.rule_id.starts_with("KG-NODE-")) << f.rule_id;
}

std::set<std::string> kubelet_rules_of(const std::string& file) {
  node::NodeScanRequest request;
  request.processes = false;
  request.kubelet_configs = {file};
  auto result = node::scan_node(request, engine::Config{});
  EXPECT_TRUE(result.errors.empty());
  std::set<std::string> out;
  for (const auto& f : result.findings) {
    // File permission rules depend on the checkout's modes; the settings are what is tested here.
    if (f.rule_id != "KG-NODE-049" && f.rule_id != "KG-NODE-050") out.insert(f.rule_id);
  }
  return out;
}

TEST(NodeKubelet, KubeadmDefaultConfiguration) {
  // Anonymous off, Webhook, a client CA, rotation on: what is left is the
  // benchmark's manual items kubeadm does not set. streamingConnectionIdleTimeout: 0s
  // is the kubelet's 4h default once loaded, not "never".
  EXPECT_EQ(kubelet_rules_of(fixture("kubelet/kubeadm-config.yaml")),
            (std::set<std::string>{"KG-NODE-023", "KG-NODE-045", "KG-NODE-047", "KG-NODE-048"}));
}

TEST(NodeKubelet, MinimalConfigurationTakesTheFileDefaults) {
  // The v1beta1 defaults: anonymous off, Webhook, no read-only port; no client CA.
  EXPECT_EQ(kubelet_rules_of(fixture("kubelet/minimal-config.yaml")),
            (std::set<std::string>{"KG-NODE-023", "KG-NODE-040", "KG-NODE-045", "KG-NODE-047", "KG-NODE-048"}));
}

TEST(NodeKubelet, InsecureConfiguration) {
  EXPECT_EQ(
      kubelet_rules_of(fixture("kubelet/insecure-config.yaml")),
      (std::set<std::string>{"KG-NODE-023", "KG-NODE-031", "KG-NODE-038", "KG-NODE-039", "KG-NODE-040", "KG-NODE-041",
                             "KG-NODE-043", "KG-NODE-045", "KG-NODE-046", "KG-NODE-047", "KG-NODE-048"}));
}

TEST(NodeKubelet, HardenedConfigurationIsQuiet) {
  EXPECT_EQ(kubelet_rules_of(fixture("kubelet/hardened-config.yaml")), std::set<std::string>{});
}

TEST(NodeKubelet, FlagsOverrideTheFileAndLegacyDefaultsApplyWithoutOne) {
  node::Component with_file;
  with_file.kind = node::ComponentKind::Kubelet;
  with_file.root = "/";
  auto loaded = node::load_config(with_file, fixture("kubelet/hardened-config.yaml"));
  ASSERT_TRUE(loaded.config);
  with_file.config = loaded.config;
  with_file.flags = node::parse_flags(args({"--anonymous-auth=true", "--read-only-port=10255"}));
  engine::IgnoreList none;
  std::vector<rules::Finding> findings;
  node::evaluate_component(with_file, none, engine::Config{}, findings);
  std::set<std::string> ids;
  for (const auto& f : findings) ids.insert(f.rule_id);
  EXPECT_TRUE(ids.contains("KG-NODE-038"));
  EXPECT_TRUE(ids.contains("KG-NODE-041"));

  node::Component bare;  // no --config: anonymous auth, AlwaysAllow, port 10255
  bare.kind = node::ComponentKind::Kubelet;
  findings.clear();
  node::evaluate_component(bare, none, engine::Config{}, findings);
  ids.clear();
  for (const auto& f : findings) ids.insert(f.rule_id);
  for (const char* id : {"KG-NODE-038", "KG-NODE-039", "KG-NODE-041"}) EXPECT_TRUE(ids.contains(id)) << id;
}

TEST(NodeKubelet, ConfigurationScannedAsAManifest) {
  engine::ScanRequest request;
  request.inputs = {fixture("kubelet/insecure-config.yaml")};
  request.threads = 1;
  auto result = engine::scan(request, testing::catalog(), engine::Config{});
  std::set<std::string> ids;
  for (const auto& f : result.findings) ids.insert(f.rule_id);
  EXPECT_TRUE(ids.contains("KG-NODE-038"));
  EXPECT_TRUE(ids.contains("KG-NODE-039"));
  EXPECT_FALSE(ids.contains("KG-NODE-049"));  // no file checks from a scan of files
}

// Real files with real modes under a host root, as the DaemonSet sees the node.
TEST(NodeFiles, PermissionsAndOwnersOfNamedFiles) {
  testing::TempTree tree;
  std::string manifest_dir = tree.dir("etc/kubernetes/manifests");
  std::string text = testing::read_file(fixture("kubeadm/kube-apiserver.yaml"));
  std::string manifest = tree.write("etc/kubernetes/manifests/kube-apiserver.yaml", text);
  ::chmod(manifest.c_str(), 0644);
  std::string key = tree.write("etc/kubernetes/pki/apiserver.key", "key");
  ::chmod(key.c_str(), 0644);
  std::string cert = tree.write("etc/kubernetes/pki/apiserver.crt", "cert");
  ::chmod(cert.c_str(), 0600);
  std::string ca = tree.write("etc/kubernetes/pki/ca.crt", "ca");
  ::chmod(ca.c_str(), 0640);

  node::NodeScanRequest request;
  request.processes = false;
  request.manifests = {manifest_dir};
  request.host_root = tree.path();
  auto result = node::scan_node(request, engine::Config{});
  std::map<std::string, std::vector<const rules::Finding*>> by_rule;
  for (const auto& f : result.findings) by_rule[f.rule_id].push_back(&f);
  ASSERT_EQ(by_rule["KG-NODE-049"].size(), 1u);
  EXPECT_EQ(by_rule["KG-NODE-049"][0]->file, "/etc/kubernetes/manifests/kube-apiserver.yaml");
  EXPECT_NE(by_rule["KG-NODE-049"][0]->message.find("0644"), std::string::npos);
  ASSERT_EQ(by_rule["KG-NODE-051"].size(), 2u);  // the key (high) and the CA (low); the 0600 cert is fine
  std::set<std::string> files;
  for (const auto* f : by_rule["KG-NODE-051"]) {
    files.insert(f->file);
    EXPECT_EQ(f->severity, f->file.ends_with(".key") ? rules::Severity::High : rules::Severity::Low);
  }
  EXPECT_EQ(files, (std::set<std::string>{"/etc/kubernetes/pki/apiserver.key", "/etc/kubernetes/pki/ca.crt"}));
  if (::geteuid() == 0) {
    EXPECT_TRUE(by_rule["KG-NODE-050"].empty());
    EXPECT_TRUE(by_rule["KG-NODE-052"].empty());
    ::chown(key.c_str(), 65534, 65534);
    result = node::scan_node(request, engine::Config{});
    size_t owner = 0;
    for (const auto& f : result.findings) owner += f.rule_id == "KG-NODE-052" ? 1 : 0;
    EXPECT_EQ(owner, 1u);
  }
  // The same flags as without file access.
  for (const char* id : {"KG-NODE-001", "KG-NODE-016", "KG-NODE-024"}) EXPECT_FALSE(by_rule[id].empty()) << id;
}

TEST(NodeFiles, ConfigurationContentIsRead) {
  testing::TempTree tree;
  tree.write("etc/kubernetes/enc.yaml", R"(apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
  - identity: {}
  - aescbc:
      keys: [{name: key1, secret: c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Cg==}]
)");
  tree.write("etc/kubernetes/audit.yaml", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n");
  tree.write("etc/kubernetes/admission.yaml",
             "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: []\n");
  tree.write("etc/kubernetes/manifests/kube-apiserver.yaml", R"(apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.33.13
    command: [kube-apiserver, --encryption-provider-config=/etc/kubernetes/enc.yaml,
              --audit-policy-file=/etc/kubernetes/audit.yaml, --audit-log-path=/var/log/audit.log,
              --enable-admission-plugins=EventRateLimit,
              --admission-control-config-file=/etc/kubernetes/admission.yaml]
)");
  node::NodeScanRequest request;
  request.processes = false;
  request.manifests = {tree.path("etc/kubernetes/manifests")};
  request.host_root = tree.path();
  auto result = node::scan_node(request, engine::Config{});
  std::map<std::string, std::string> message;
  for (const auto& f : result.findings) message[f.rule_id] = f.message;
  EXPECT_NE(message["KG-NODE-025"].find("identity is the first provider"), std::string::npos);
  EXPECT_NE(message["KG-NODE-017"].find("level None"), std::string::npos);
  EXPECT_NE(message["KG-NODE-013"].find("does not configure the EventRateLimit"), std::string::npos);
  EXPECT_FALSE(message.contains("KG-NODE-024"));
  // The encryption configuration holds keys: it is a credential file (0644 from the umask).
  EXPECT_TRUE(message.contains("KG-NODE-049"));
  for (const auto& f : result.findings) EXPECT_EQ(f.message.find("c2VjcmV0"), std::string::npos);
}

// CIS 2.7: etcd must not trust the CA that signs the cluster's client certificates.
TEST(NodeFiles, EtcdWithTheClusterCaIsReported) {
  testing::TempTree tree;
  for (const char* m : {"etcd.yaml", "kube-apiserver.yaml"}) {
    tree.write(std::string("etc/kubernetes/manifests/") + m, testing::read_file(fixture(std::string("kubeadm/") + m)));
  }
  tree.write("etc/kubernetes/pki/ca.crt", "-----BEGIN CERTIFICATE-----\ncluster\n-----END CERTIFICATE-----\n");
  tree.write("etc/kubernetes/pki/etcd/ca.crt", "-----BEGIN CERTIFICATE-----\netcd\n-----END CERTIFICATE-----\n");
  node::NodeScanRequest request;
  request.processes = false;
  request.manifests = {tree.path("etc/kubernetes/manifests")};
  request.host_root = tree.path();
  auto count = [&] {
    size_t n = 0;
    for (const auto& f : node::scan_node(request, engine::Config{}).findings) n += f.rule_id == "KG-NODE-055" ? 1 : 0;
    return n;
  };
  EXPECT_EQ(count(), 0u);  // kubeadm: etcd has a CA of its own
  // The same CA copied in place of etcd's.
  tree.write("etc/kubernetes/pki/etcd/ca.crt", "-----BEGIN CERTIFICATE-----\ncluster\n-----END CERTIFICATE-----\n");
  EXPECT_EQ(count(), 1u);
  // Scanned alone, etcd has nothing to be compared with.
  request.manifests = {tree.path("etc/kubernetes/manifests/etcd.yaml")};
  EXPECT_EQ(count(), 0u);
}

TEST(NodeFiles, UnreadableKubeletConfigIsAnError) {
  node::NodeScanRequest request;
  request.processes = false;
  request.kubelet_configs = {"/nonexistent/kubelet/config.yaml"};
  auto result = node::scan_node(request, engine::Config{});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].file, "/nonexistent/kubelet/config.yaml");
  EXPECT_EQ(engine::exit_code(result, rules::Severity::High), 2);
}

}  // namespace
}  // namespace kg

namespace kg {
namespace {

// The command line: paths relative to the working directory, exit codes.
int run_in_source_dir(const std::string& args, std::string* out) {
  std::string command = "cd " + testing::source("") + " && " + KG_BINARY + " " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  out->clear();
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out->append(buffer.data(), n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(NodeCli, RelativePathsAndExitCodes) {
  std::string out;
  EXPECT_EQ(run_in_source_dir("node scan --no-processes -f json --kubelet-config "
                              "tests/node/data/kubelet/insecure-config.yaml",
                              &out),
            1);
  EXPECT_NE(out.find("\"KG-NODE-039\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"errors\": []"), std::string::npos) << out;
  // The file as the node names it: absolute.
  EXPECT_NE(out.find("\"file\": \"/"), std::string::npos) << out;
  EXPECT_EQ(run_in_source_dir("node scan --no-processes --no-fail --kubelet-config "
                              "tests/node/data/kubelet/insecure-config.yaml",
                              &out),
            0);
  EXPECT_EQ(run_in_source_dir("node scan --no-processes --kubelet-config tests/node/data/kubelet/hardened-config.yaml "
                              "--manifests tests/node/data/kubeadm/etcd.yaml",
                              &out),
            0)
      << out;
  EXPECT_EQ(run_in_source_dir("node scan --no-processes --kubelet-config no/such/config.yaml", &out), 2);
}

}  // namespace
}  // namespace kg
