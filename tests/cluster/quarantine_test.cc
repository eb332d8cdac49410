// The requests `kubeguard quarantine` sends, built from a pod as the API
// server returns it.
#include "cluster/quarantine.h"

#include <gtest/gtest.h>

#include "cluster/json_decode.h"

namespace kg::cluster {
namespace {

doc::Node decode(std::string_view json) {
  JsonDecoder decoder;
  auto node = decoder.object(json);
  EXPECT_TRUE(node) << node.error().message;
  return node ? std::move(*node) : doc::Node{};
}

TEST(Quarantine, PolicyDeniesBothDirectionsForTheLabelOnly) {
  doc::Node policy = decode(quarantine_policy_json("shop"));
  EXPECT_EQ(policy.find({"metadata", "namespace"})->str(), "shop");
  EXPECT_EQ(policy.find({"metadata", "name"})->str(), "kubeguard-quarantine");
  const doc::Node* labels = policy.find({"spec", "podSelector", "matchLabels"});
  ASSERT_NE(labels, nullptr);
  EXPECT_EQ(labels->size(), 1u);
  EXPECT_EQ(labels->get("kubeguard.io/quarantine")->str(), "true");
  const doc::Node* types = policy.find({"spec", "policyTypes"});
  ASSERT_NE(types, nullptr);
  ASSERT_EQ(types->size(), 2u);
  EXPECT_EQ(types->items()[0].str(), "Ingress");
  EXPECT_EQ(types->items()[1].str(), "Egress");
  EXPECT_EQ(policy.find({"spec", "ingress"}), nullptr);
  EXPECT_EQ(policy.find({"spec", "egress"}), nullptr);
}

TEST(Quarantine, PatchRemovesEveryLabelAndRecordsThem) {
  doc::Node pod = decode(R"({"metadata":{"name":"web-1","labels":{"app":"web","pod-template-hash":"5d9c",
      "tier":"front"}}})");
  doc::Node patch = decode(quarantine_patch_json(pod, "miner \"sidecar\"", "KG-SC-006", "2026-11-22T10:00:00Z"));
  const doc::Node* labels = patch.find({"metadata", "labels"});
  ASSERT_NE(labels, nullptr);
  for (std::string_view key : {"app", "pod-template-hash", "tier"}) {
    ASSERT_NE(labels->get(key), nullptr) << key;
    EXPECT_TRUE(labels->get(key)->is_null()) << key;
  }
  EXPECT_EQ(labels->get("kubeguard.io/quarantine")->str(), "true");
  const doc::Node* annotations = patch.find({"metadata", "annotations"});
  EXPECT_EQ(annotations->get("kubeguard.io/quarantine-reason")->str(), "miner \"sidecar\"");
  EXPECT_EQ(annotations->get("kubeguard.io/quarantine-finding")->str(), "KG-SC-006");
  EXPECT_EQ(annotations->get("kubeguard.io/quarantined-at")->str(), "2026-11-22T10:00:00Z");
  doc::Node removed = decode(annotations->get("kubeguard.io/quarantine-removed-labels")->str());
  EXPECT_EQ(removed.size(), 3u);
  EXPECT_EQ(removed.get("pod-template-hash")->str(), "5d9c");
}

TEST(Quarantine, PatchOfAPodWithoutLabelsOnlyAddsTheQuarantineLabel) {
  doc::Node patch = decode(quarantine_patch_json(decode(R"({"metadata":{"name":"p"}})"), "r", "", "t"));
  EXPECT_EQ(patch.find({"metadata", "labels"})->size(), 1u);
  EXPECT_EQ(patch.find({"metadata", "annotations", "kubeguard.io/quarantine-finding"}), nullptr);
}

TEST(Quarantine, ReleaseTakesTheLabelOff) {
  doc::Node patch = decode(release_patch_json("2026-11-22T11:00:00Z"));
  EXPECT_TRUE(patch.find({"metadata", "labels", "kubeguard.io/quarantine"})->is_null());
  EXPECT_EQ(patch.find({"metadata", "annotations", "kubeguard.io/quarantine-released-at"})->str(),
            "2026-11-22T11:00:00Z");
}

TEST(Quarantine, PoliciesThatSelectEveryPodAndAllowTrafficAreLeaky) {
  std::vector<doc::Node> policies;
  policies.push_back(decode(R"({"metadata":{"name":"deny-all"},"spec":{"podSelector":{},
      "policyTypes":["Ingress","Egress"]}})"));
  policies.push_back(decode(R"({"metadata":{"name":"allow-same-ns"},"spec":{"podSelector":{},
      "ingress":[{"from":[{"podSelector":{}}]}]}})"));
  policies.push_back(decode(R"({"metadata":{"name":"web-only"},"spec":{"podSelector":{"matchLabels":{"app":"web"}},
      "ingress":[{}]}})"));
  auto leaky = leaky_policies(policies);
  ASSERT_EQ(leaky.size(), 1u);
  EXPECT_EQ(leaky[0], "allow-same-ns");
}

}  // namespace
}  // namespace kg::cluster
