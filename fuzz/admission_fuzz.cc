// libFuzzer target for the admission path: bytes -> AdmissionReview ->
// decision in every mode (catalog, UPDATE comparison, exemptions) -> the
// response. Any body the API server or anyone else could send must end in a
// ReviewError or an answer; a crash, a sanitizer report or a hang is a bug.
//
// Seeds: AdmissionReview bodies, e.g. from bench/make_admission_bodies.py.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "admission/decision.h"
#include "admission/response.h"
#include "admission/review.h"
#include "engine/config.h"
#include "rules/catalog.h"

namespace {

const kg::rules::Catalog& catalog() {
  static const kg::rules::Catalog kCatalog = kg::rules::build_catalog();
  return kCatalog;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  kg::admission::ParsedReview parsed = kg::admission::parse_review(body);
  if (!parsed) return 0;
  kg::engine::Config config;
  config.fail_on = kg::rules::Severity::Info;  // every finding counts, so every message path runs
  for (auto mode : {kg::admission::Mode::Enforce, kg::admission::Mode::Warn, kg::admission::Mode::Audit}) {
    kg::admission::Settings settings;
    settings.mode = mode;
    kg::admission::Decision d = kg::admission::decide(*parsed.request, catalog(), config, settings);
    std::string answer = kg::admission::write_response(parsed.request->api_version, parsed.request->uid, d);
    if (answer.empty()) __builtin_trap();
  }
  return 0;
}
