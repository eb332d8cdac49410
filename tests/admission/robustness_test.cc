// Hostile bodies through the admission path without sanitizers or network:
// every truncation and many random byte changes of real AdmissionReviews end
// in a ReviewError or an answer with the request's uid (fuzz/admission_fuzz.cc
// explores further under libFuzzer).
#include <random>

#include <gtest/gtest.h>

#include "admission/decision.h"
#include "admission/response.h"
#include "admission/review.h"
#include "admission/review_support.h"
#include "support/test_support.h"

namespace kg::admission {
namespace {

void run_body(std::string_view body, size_t& answered, size_t& refused) {
  ParsedReview parsed = parse_review(body);
  if (!parsed) {
    EXPECT_FALSE(parsed.error.message.empty());
    ++refused;
    return;
  }
  engine::Config config;
  config.fail_on = rules::Severity::Info;
  for (Mode mode : {Mode::Enforce, Mode::Warn, Mode::Audit}) {
    Settings settings;
    settings.mode = mode;
    Decision d = decide(*parsed.request, testing::catalog(), config, settings);
    std::string answer = write_response(parsed.request->api_version, parsed.request->uid, d);
    ASSERT_FALSE(parsed.request->uid.empty());
    EXPECT_NE(answer.find("\"response\":{\"uid\":\""), std::string::npos);
  }
  ++answered;
}

TEST(AdmissionRobustness, TruncatedAndMutatedBodiesEndInAnAnswerOrAnError) {
  std::string object = testing::read_file(testing::corpus("manifests/istio/injected-sidecars/hello.injected.yaml"));
  testing::ReviewSpec spec;
  spec.kind = "Deployment";
  spec.group = "apps";
  spec.operation = "UPDATE";
  spec.object_yaml = object;
  spec.old_yaml = object;
  std::string body = testing::review_json(spec);
  ASSERT_GT(body.size(), 1000u);
  size_t answered = 0;
  size_t refused = 0;
  for (size_t cut = 0; cut < body.size(); cut += 61) run_body(body.substr(0, cut), answered, refused);
  std::mt19937 random(20261122);
  const std::string noise = "{}[]\",:\\0123456789truefalsenull \n\xff\x80";
  for (int i = 0; i < 600; ++i) {
    std::string mutated = body;
    int changes = 1 + static_cast<int>(random() % 4);
    for (int c = 0; c < changes; ++c) {
      size_t at = random() % mutated.size();
      mutated[at] = noise[random() % noise.size()];
    }
    run_body(mutated, answered, refused);
  }
  run_body(body, answered, refused);
  // Both outcomes happen: the mutations are neither all fatal nor all harmless.
  EXPECT_GT(answered, 50u);
  EXPECT_GT(refused, 50u);
}

}  // namespace
}  // namespace kg::admission
