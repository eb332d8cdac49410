// Scenario S4 (rogue mutating webhook) and the real webhook configurations of
// the corpus (cert-manager, istio's spire sample, linkerd, vault-k8s).
#include <algorithm>

#include <gtest/gtest.h>

#include "rules/wh_test_fixtures.h"
#include "support/test_support.h"

namespace kg {
namespace {

std::vector<std::string> rule_ids(const engine::ScanResult& result) {
  std::vector<std::string> ids;
  for (const auto& f : result.findings) {
    if (f.rule_id.starts_with("KG-WH-")) ids.push_back(f.rule_id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// S4: adds a container to every new pod, in all namespaces, through an
// external URL, failing open so that nobody notices when it breaks.
constexpr std::string_view kS4ExternalUrl = R"(apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: pod-defaults
webhooks:
- name: defaults.pods.example.io
  admissionReviewVersions: ["v1"]
  sideEffects: None
  failurePolicy: Ignore
  clientConfig:
    url: https://203.0.113.7:8443/mutate
    caBundle: Y2E=
  rules:
  - operations: ["CREATE"]
    apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["pods"]
    scope: "*"
)";

// The same through an in-cluster service nobody approved.
constexpr std::string_view kS4UnknownService = R"(apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: metrics-helper
webhooks:
- name: metrics-helper.kube-system.svc
  admissionReviewVersions: ["v1"]
  sideEffects: None
  failurePolicy: Ignore
  namespaceSelector: {}
  objectSelector: {}
  clientConfig:
    service: {namespace: kube-system, name: metrics-helper, path: /mutate}
    caBundle: Y2E=
  rules:
  - operations: ["CREATE", "UPDATE"]
    apiGroups: ["*"]
    apiVersions: ["*"]
    resources: ["pods"]
)";

TEST(WhScenarioS4, ExternalUrlRaisesWh001Wh002Wh004) {
  auto result = testing::scan_text(kS4ExternalUrl);
  EXPECT_EQ(rule_ids(result), (std::vector<std::string>{"KG-WH-001", "KG-WH-002", "KG-WH-004"}));
  for (const auto& f : result.findings) {
    if (f.rule_id.starts_with("KG-WH-")) {
      EXPECT_NE(f.message.find("defaults.pods.example.io"), std::string::npos) << f.rule_id;
      EXPECT_EQ(f.mark.line > 0, true) << f.rule_id;
    }
  }
}

TEST(WhScenarioS4, UnknownServiceRaisesWh001Wh004) {
  auto result = testing::scan_text(kS4UnknownService);
  EXPECT_EQ(rule_ids(result), (std::vector<std::string>{"KG-WH-001", "KG-WH-004"}));
}

TEST(WhScenarioS4, FailsTheCiGate) {
  auto result = testing::scan_text(kS4ExternalUrl);
  EXPECT_EQ(engine::exit_code(result, rules::Severity::High), 1);
}

struct Expected {
  std::string rule;
  std::string file;  // relative to the corpus' manifests/
  std::string object;
  std::string path;
  auto operator<=>(const Expected&) const = default;
};

std::string describe(const Expected& e) { return fmt::format("{} {} {} {}", e.rule, e.file, e.object, e.path); }

// Every WH finding over the corpus, each checked by hand against the manifest:
// cert-manager v0.8: v1beta1 without timeoutSeconds (30 s) and two owner-set
//   namespace labels per webhook ('certmanager.k8s.io/disable-validation', 'name');
//   its CA comes from the certmanager.k8s.io/inject-apiserver-ca annotation.
// istio spire sample: no caBundle and no injection annotation (the spire
//   controller manager patches it at runtime, which a manifest cannot show).
// linkerd: 'config.linkerd.io/admission-webhooks' opts namespaces out of all
//   three webhooks; the default install fails open (Ignore), the HA one does not.
// vault-k8s: the (approved) injector fails open.
std::vector<Expected> expected_corpus_findings() {
  std::vector<Expected> out;
  const std::string cm = "cert-manager/deploy/manifests/cert-manager.yaml";
  for (int i = 0; i < 3; ++i) {
    std::string w = fmt::format("webhooks[{}]", i);
    out.push_back({"KG-WH-006", cm, "cert-manager-webhook", w + ".namespaceSelector.matchExpressions[0]"});
    out.push_back({"KG-WH-006", cm, "cert-manager-webhook", w + ".namespaceSelector.matchExpressions[1]"});
    out.push_back({"KG-WH-007", cm, "cert-manager-webhook", w});
  }
  const std::string spire = "istio/samples/security/spire/spire-quickstart.yaml";
  out.push_back({"KG-WH-003", spire, "spire-controller-manager-webhook", "webhooks[0].clientConfig"});
  out.push_back({"KG-WH-003", spire, "spire-controller-manager-webhook", "webhooks[1].clientConfig"});
  for (std::string file :
       {"linkerd2/install/install_default.golden.yaml", "linkerd2/install/install_ha_output.golden.yaml"}) {
    bool fails_open = file.find("default") != std::string::npos;
    for (std::string object : {"linkerd-sp-validator-webhook-config", "linkerd-policy-validator-webhook-config",
                               "linkerd-proxy-injector-webhook-config"}) {
      out.push_back({"KG-WH-006", file, object, "webhooks[0].namespaceSelector.matchExpressions[0]"});
      if (fails_open) out.push_back({"KG-WH-004", file, object, "webhooks[0].failurePolicy"});
    }
  }
  out.push_back({"KG-WH-004", "vault-k8s/deploy/injector-mutating-webhook.yaml", "vault-agent-injector-cfg",
                 "webhooks[0].failurePolicy"});
  std::sort(out.begin(), out.end());
  return out;
}

TEST(WhCorpus, RealWebhookConfigurationsAreApprovedOrLimitedAndOnlyTrueFindingsRemain) {
  engine::ScanRequest request;
  const std::string root = testing::corpus("manifests");
  request.inputs = {root};
  auto result = engine::scan(request, testing::catalog(), engine::Config{});
  std::vector<Expected> actual;
  for (const auto& f : result.findings) {
    if (!f.rule_id.starts_with("KG-WH-")) continue;
    EXPECT_NE(f.rule_id, "KG-WH-001") << f.file << " " << f.path << ": " << f.message;
    EXPECT_NE(f.rule_id, "KG-WH-008") << f.file << " " << f.path << ": " << f.message;
    std::string file = f.file.starts_with(root + "/") ? f.file.substr(root.size() + 1) : f.file;
    actual.push_back({f.rule_id, file, f.object.name, f.path});
  }
  std::sort(actual.begin(), actual.end());
  auto expected = expected_corpus_findings();
  EXPECT_EQ(actual.size(), expected.size());
  for (const auto& e : expected) {
    EXPECT_TRUE(std::binary_search(actual.begin(), actual.end(), e)) << "missing " << describe(e);
  }
  for (const auto& a : actual) {
    EXPECT_TRUE(std::binary_search(expected.begin(), expected.end(), a)) << "unexpected " << describe(a);
  }
}

TEST(WhCorpus, LinkerdInjectorWouldBeReportedWithoutItsApproval) {
  // Guards the corpus test: the injector is quiet because it is approved, not
  // because the rule cannot see it.
  std::string text = testing::read_file(testing::corpus("manifests/linkerd2/install/install_default.golden.yaml"));
  auto pos = text.find("linkerd-proxy-injector.linkerd.io");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, std::string_view("linkerd-proxy-injector.linkerd.io").size(), "proxy-injector.example.io");
  EXPECT_EQ(testing::findings_of("KG-WH-001", text).size(), 1u);
}

}  // namespace
}  // namespace kg
