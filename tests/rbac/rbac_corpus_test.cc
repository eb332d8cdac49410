// Attack paths of the real projects in the shared corpus: the controllers
// whose RBAC lets a stolen token put code into pods, and projects without one.
#include <gtest/gtest.h>

#include "engine/rbac_source.h"
#include "rbac/attack_paths.h"
#include "support/test_support.h"

namespace kg::rbac {
namespace {

// "Kind ns/name" of every pod with an attack path, in input order.
std::vector<std::string> attack_path_pods(std::string_view corpus_path, std::string_view name_space) {
  Loaded loaded = engine::load_rbac_files({testing::corpus(corpus_path)});
  EXPECT_TRUE(loaded.errors.empty()) << doc::format_error(loaded.errors[0]);
  Policy policy = Policy::build(std::move(loaded.objects), name_space);
  std::vector<std::string> pods;
  for (const auto& p : attack_paths(policy, "")) pods.push_back(pod_display(*p.pod));
  return pods;
}

TEST(RbacCorpus, ArgoCdServerAndApplicationControllerReachEveryNamespace) {
  // The application controller holds * on *; the server may patch, create,
  // exec into and delete workloads in every namespace to sync and debug apps;
  // the applicationset controller reads the secrets of every namespace (the
  // tokens of the other two among them).
  EXPECT_EQ(
      attack_path_pods("manifests/argo-cd/manifests/install.yaml", "argocd"),
      (std::vector<std::string>{"Deployment argocd/argocd-applicationset-controller", "Deployment argocd/argocd-server",
                                "StatefulSet argocd/argocd-application-controller"}));
}

TEST(RbacCorpus, OperatorsThatWriteWorkloadsOrWebhooks) {
  // prometheus-operator manages StatefulSets it renders; kiali edits workloads;
  // cert-manager creates solver pods and its cainjector patches webhook configurations;
  // the vault injector patches its own MutatingWebhookConfiguration.
  // kube-state-metrics and loki list the secrets of every namespace.
  EXPECT_EQ(attack_path_pods("manifests/kube-prometheus/manifests", "monitoring"),
            (std::vector<std::string>{"Deployment monitoring/kube-state-metrics",
                                      "Deployment monitoring/prometheus-operator"}));
  EXPECT_EQ(attack_path_pods("manifests/istio/samples/addons", "istio-system"),
            (std::vector<std::string>{"Deployment istio-system/kiali", "StatefulSet istio-system/loki"}));
  EXPECT_EQ(attack_path_pods("manifests/cert-manager/deploy/manifests/cert-manager.yaml", "cert-manager"),
            (std::vector<std::string>{"Deployment cert-manager/cert-manager-cainjector",
                                      "Deployment cert-manager/cert-manager"}));
  EXPECT_EQ(attack_path_pods("manifests/vault-k8s/deploy", "vault"),
            std::vector<std::string>{"Deployment vault/vault-injector"});
}

TEST(RbacCorpus, ProjectsWithoutAnInjectingToken) {
  EXPECT_TRUE(attack_path_pods("manifests/linkerd2/install/install_default.golden.yaml", "linkerd").empty());
  EXPECT_TRUE(
      attack_path_pods("manifests/kubernetes-dashboard/v2.7.0/aio/deploy/recommended.yaml", "kubernetes-dashboard")
          .empty());
}

}  // namespace
}  // namespace kg::rbac
