// libFuzzer target: the block reader of `scan FILE`, kg::fuzz::scan_stream_one (fuzz/targets.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kg::fuzz::scan_stream_one(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
