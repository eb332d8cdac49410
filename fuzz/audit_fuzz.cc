// libFuzzer target: kg::fuzz::audit_one (fuzz/targets.h says what it covers).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kg::fuzz::audit_one(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
