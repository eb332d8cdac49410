// In-process cost of one admission decision (parse + catalog + UPDATE
// comparison + response), without TLS or HTTP: the part of a /validate
// request the engine owns. Bodies from bench/make_admission_bodies.py:
//   KG_ADMISSION_BODIES=DIR admission_decide_bench
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <benchmark/benchmark.h>

#include "admission/decision.h"
#include "admission/response.h"
#include "admission/review.h"
#include "rules/catalog.h"

namespace {

// KG_ADMISSION_BODIES names the folder; /tmp/kg-admission-bodies by default.
std::string read(const std::string& name) {
  const char* dir = std::getenv("KG_ADMISSION_BODIES");
  std::ifstream in(std::string(dir != nullptr ? dir : "/tmp/kg-admission-bodies") + "/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void decide_body(benchmark::State& state, const char* name) {
  static const kg::rules::Catalog catalog = kg::rules::build_catalog();
  std::string body = read(name);
  if (body.empty()) {
    state.SkipWithError("body file missing: run bench/make_admission_bodies.py first");
    return;
  }
  kg::engine::Config config;
  kg::admission::Settings settings;
  for (auto _ : state) {
    kg::admission::ParsedReview parsed = kg::admission::parse_review(body);
    kg::admission::Decision d = kg::admission::decide(*parsed.request, catalog, config, settings);
    std::string answer = kg::admission::write_response(parsed.request->api_version, parsed.request->uid, d);
    benchmark::DoNotOptimize(answer);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void parse_body(benchmark::State& state, const char* name) {
  std::string body = read(name);
  for (auto _ : state) benchmark::DoNotOptimize(kg::admission::parse_review(body));
}

BENCHMARK_CAPTURE(decide_body, small_pod, "small-pod.json");
BENCHMARK_CAPTURE(decide_body, injected_deployment, "injected-deployment.json");
BENCHMARK_CAPTURE(decide_body, injected_update, "injected-update.json");
BENCHMARK_CAPTURE(parse_body, injected_deployment, "injected-deployment.json");
BENCHMARK_CAPTURE(parse_body, injected_update, "injected-update.json");

}  // namespace
