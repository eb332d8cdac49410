// What must stay quiet: a live dump with everything the API server adds
// against its clean manifests, and workloads that istio or linkerd injected.
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "drift/drift_test_util.h"
#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "rules/context.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

namespace fs = std::filesystem;

std::string read_dir(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::string text;
  for (const auto& f : files) text += read_file(f) + "\n---\n";
  return text;
}

// Created by applying examples/drift/baseline to a v1.33 API server with its
// controller manager, then `kubectl get ns,deploy,rs,pod,cronjob,svc,cm,sa
// -n shop -o yaml`: status, managedFields, defaulted fields, the token volume,
// the ReplicaSet and its pods (Pending: no scheduler).
TEST(DriftQuiet, RealLiveDumpMatchesItsManifests) {
  std::string baseline = read_dir(source("examples/drift/baseline"));
  std::string live = read_file(source("tests/drift/data/clean-live.yaml"));
  ASSERT_FALSE(live.empty());
  auto result = diff_texts(baseline, live);
  EXPECT_TRUE(result.findings.empty()) << dump(result);
  EXPECT_TRUE(result.notices.empty()) << dump(result);
  EXPECT_GT(result.summary.objects, 10u);
}

// istio's golden output for a bare pod as the live side; the manifest is the
// same pod before injection, written by hand.
TEST(DriftQuiet, IstioInjectedPodMatchesItsUninjectedManifest) {
  constexpr std::string_view kManifest = R"(apiVersion: v1
kind: Pod
metadata:
  name: hellopod
spec:
  containers:
  - image: fake.docker.io/google-samples/hello-go-gke:1.0
    name: hello
    ports:
    - containerPort: 80
      name: http
)";
  std::string live = read_file(corpus("manifests/istio/injected-sidecars/pod.injected.yaml"));
  ASSERT_FALSE(live.empty());
  auto result = diff_texts(kManifest, live);
  EXPECT_TRUE(result.findings.empty()) << dump(result);
}

doc::Node* child(doc::Node& node, std::string_view key) {
  for (auto& e : node.mutable_entries()) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

void remove_indices(doc::Node* list, std::vector<size_t> indices) {
  if (list == nullptr) return;
  auto& items = list->mutable_items();
  std::sort(indices.rbegin(), indices.rend());
  for (size_t i : indices) items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
}

// The manifest an injected workload came from: the approved sidecars, and the
// volumes only they mount or the injector lists, taken out again.
std::optional<doc::Document> uninjected(const doc::Document& injected) {
  k8s::Extraction extraction;
  k8s::extract_objects(injected, extraction);
  if (extraction.objects.size() != 1 || !extraction.objects[0].path_prefix.empty()) return std::nullopt;
  rules::Settings settings;
  auto view = k8s::pod_spec_of(extraction.objects[0], settings.sidecar_profiles);
  if (!view) return std::nullopt;
  std::vector<size_t> init_containers;
  std::vector<size_t> containers;
  std::set<std::string, std::less<>> volumes;
  for (const auto& c : view->containers) {
    if (c.profile == nullptr) continue;
    (c.kind == k8s::ContainerKind::Init ? init_containers : containers).push_back(c.index);
    if (const doc::Node* mounts = c.node->get("volumeMounts")) {
      for (const auto& m : mounts->items()) volumes.emplace(k8s::string_at(&m, "name"));
    }
  }
  if (containers.empty() && init_containers.empty()) return std::nullopt;
  // Volumes the application mounts too were there before injection.
  for (const auto& c : view->containers) {
    if (c.profile != nullptr) continue;
    if (const doc::Node* mounts = c.node->get("volumeMounts")) {
      for (const auto& m : mounts->items()) volumes.erase(std::string(k8s::string_at(&m, "name")));
    }
  }
  doc::Document copy{"baseline.yaml", injected.index, injected.root};
  doc::Node* spec = &copy.root;
  std::string path = view->path;
  for (size_t start = 0; start <= path.size();) {
    size_t dot = path.find('.', start);
    if (dot == std::string::npos) dot = path.size();
    spec = child(*spec, std::string_view(path).substr(start, dot - start));
    if (spec == nullptr) return std::nullopt;
    start = dot + 1;
  }
  remove_indices(child(*spec, "containers"), containers);
  remove_indices(child(*spec, "initContainers"), init_containers);
  if (doc::Node* list = child(*spec, "volumes")) {
    std::erase_if(list->mutable_items(),
                  [&](const doc::Node& v) { return volumes.contains(k8s::string_at(&v, "name")); });
  }
  return copy;
}

TEST(DriftQuiet, EveryIstioInjectedWorkloadMatchesItsUninjectedForm) {
  size_t compared = 0;
  for (const auto& e : fs::directory_iterator(corpus("manifests/istio/injected-sidecars"))) {
    std::vector<doc::Document> live = load_documents(read_file(e.path().string()), e.path().filename().string());
    for (const auto& d : live) {
      auto baseline = uninjected(d);
      if (!baseline) continue;
      ++compared;
      std::vector<doc::Document> b;
      b.push_back(std::move(*baseline));
      auto result = engine::diff_documents(b, std::span<const doc::Document>(&d, 1), "default", {});
      EXPECT_TRUE(of_rule(result, "KG-DRIFT-001").empty()) << e.path() << "\n" << dump(result);
      EXPECT_TRUE(of_rule(result, "KG-DRIFT-007").empty()) << e.path() << "\n" << dump(result);
    }
  }
  EXPECT_GT(compared, 100u);
}

// linkerd's injector tests: <name>.input.yml before, <name>.golden.yml after.
TEST(DriftQuiet, LinkerdInjectionAddsNoUnapprovedContainer) {
  size_t pairs = 0;
  std::string dir = corpus("manifests/linkerd2/inject");
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (!name.ends_with(".input.yml")) continue;
    std::string golden = dir + "/" + name.substr(0, name.size() - 10) + ".golden.yml";
    if (!fs::exists(golden)) continue;
    ++pairs;
    auto result = diff_texts(read_file(e.path().string()), read_file(golden));
    EXPECT_TRUE(of_rule(result, "KG-DRIFT-001").empty()) << name << "\n" << dump(result);
  }
  EXPECT_GT(pairs, 15u);
}

}  // namespace
}  // namespace kg::testing
