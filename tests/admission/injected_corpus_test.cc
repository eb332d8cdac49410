// Legitimate injection stays admitted: every istio- and linkerd-injected
// workload of the corpus, created and re-injected, against the decision logic.
#include <filesystem>
#include <iostream>
#include <set>

#include <gtest/gtest.h>

#include "admission/decision.h"
#include "admission/review_support.h"
#include "doc/source.h"
#include "k8s/object.h"
#include "k8s/pod_spec.h"
#include "support/test_support.h"

namespace kg::admission {
namespace {

struct Outcome {
  size_t objects = 0;
  size_t admitted = 0;
  std::vector<std::string> denied;  // "file: Kind name: rules"
};

// Rules whose findings would mean injection itself is taken for an attack.
bool injection_rule(std::string_view id) {
  return id == "KG-SC-001" || id == "KG-SC-002" || id == "KG-SC-005" || id.starts_with("KG-DRIFT-") ||
         id.starts_with("KG-IMG-");
}

Outcome admit_folder(const std::string& folder, std::string_view suffix, const engine::Config& config) {
  Outcome outcome;
  Settings settings;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(folder)) {
    std::string name = e.path().filename().string();
    if (name.ends_with(suffix)) files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::vector<doc::Document> documents;
    doc::load_input(
        file, [&](doc::Document&& d) { documents.push_back(std::move(d)); }, [](doc::LoadError&&) {});
    for (const auto& d : documents) {
      k8s::Extraction extraction;
      k8s::extract_objects(d, extraction);
      for (const auto& object : extraction.objects) {
        if (!k8s::pod_spec_of(object)) continue;
        ++outcome.objects;
        testing::ReviewSpec spec;
        spec.kind = object.ref.kind;
        spec.name = object.ref.name;
        spec.object_json = testing::node_json(*object.root);
        ParsedReview parsed = parse_review(testing::review_json(spec));
        EXPECT_TRUE(parsed) << file << ": " << parsed.error.message;
        if (!parsed) continue;
        Decision decision = decide(*parsed.request, testing::catalog(), config, settings);
        for (const auto& id : decision.rule_ids) EXPECT_FALSE(injection_rule(id)) << file << ": " << id;
        if (decision.allowed()) {
          ++outcome.admitted;
        } else {
          std::string rules;
          for (const auto& id : decision.rule_ids) rules += " " + id;
          outcome.denied.push_back(std::filesystem::path(file).filename().string() + ": " + object.ref.display() + ":" +
                                   rules);
        }
        // Re-injection with the same content (an UPDATE that changes nothing) is never refused.
        spec.operation = "UPDATE";
        spec.old_json = spec.object_json;
        ParsedReview update = parse_review(testing::review_json(spec));
        EXPECT_TRUE(update);
        if (!update) continue;
        EXPECT_TRUE(decide(*update.request, testing::catalog(), {}, settings).allowed()) << file;
      }
    }
  }
  return outcome;
}

engine::Config injection_policy() {
  auto loaded = engine::parse_config(testing::kInjectionPolicy, "policy.yaml", testing::catalog());
  EXPECT_TRUE(loaded.errors.empty());
  return loaded.config;
}

// What stays denied under the injection policy are posture findings that
// have nothing to do with injection: host network and host paths of the
// samples, and an istio-proxy given more privileges than its application.
void expect_only_unrelated_denials(const Outcome& o) {
  for (const auto& d : o.denied) {
    std::string rest = d.substr(d.rfind(':') + 1);
    for (std::string_view allowed : {" KG-POD-007", " KG-POD-010", " KG-SC-004", " KG-PSS-"}) {
      for (size_t at = rest.find(allowed); at != std::string::npos; at = rest.find(allowed)) {
        size_t end = rest.find(' ', at + 1);
        rest.erase(at, end == std::string::npos ? std::string::npos : end - at);
      }
    }
    EXPECT_TRUE(rest.empty()) << d;
  }
}

TEST(AdmissionInjectedCorpus, IstioInjectedWorkloadsAreAdmitted) {
  Outcome o = admit_folder(testing::corpus("manifests/istio/injected-sidecars"), ".injected.yaml", injection_policy());
  EXPECT_GE(o.objects, 110u);
  EXPECT_GE(o.admitted, o.objects - 10) << o.denied.size() << " denied";
  for (const auto& d : o.denied) std::cout << "  denied (not for injection): " << d << "\n";
  expect_only_unrelated_denials(o);
}

TEST(AdmissionInjectedCorpus, LinkerdInjectedWorkloadsAreAdmitted) {
  Outcome o = admit_folder(testing::corpus("manifests/linkerd2/inject"), ".golden.yml", injection_policy());
  EXPECT_GE(o.objects, 40u);
  EXPECT_GE(o.admitted, o.objects - 3) << o.denied.size() << " denied";
  expect_only_unrelated_denials(o);
}

TEST(AdmissionInjectedCorpus, DefaultPolicyNeverDeniesForInjectionItself) {
  // Under the defaults many corpus samples are denied for their own posture
  // (root, privilege escalation, NET_ADMIN); injection_rule() is checked on each.
  Outcome istio = admit_folder(testing::corpus("manifests/istio/injected-sidecars"), ".injected.yaml", {});
  Outcome linkerd = admit_folder(testing::corpus("manifests/linkerd2/inject"), ".golden.yml", {});
  EXPECT_GT(istio.objects + linkerd.objects, 150u);
}

}  // namespace
}  // namespace kg::admission
