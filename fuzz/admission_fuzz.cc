// libFuzzer target for the admission path: bytes -> AdmissionReview ->
// decision in every mode (catalog, UPDATE comparison, exemptions) -> the
// response. Any body the API server or anyone else could send must end in a
// ReviewError or an answer; a crash, a sanitizer report or a hang is a bug.
//
// Seeds: AdmissionReview bodies (scripts/test.sh wraps corpus objects in
// reviews; bench/make_admission_bodies.py makes more).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kg::fuzz::admission_one(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
