// libFuzzer target: one image layer (tar, bare or gzip or zstd) read with
// libarchive, stacked over a lower layer with its whiteouts, and summarized
// (src/supply/layer_reader.cc, image_fs.cc, image_contents.cc). Small limits,
// so the limit paths run too; any input must end normally.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "supply/image_contents.h"
#include "supply/layer_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kg::supply;
  std::string_view blob(reinterpret_cast<const char*>(data), size);
  LayerBudget budget;
  budget.max_unpacked_bytes = size_t{8} << 20;
  budget.max_entries = 4096;
  ImageFs fs;
  fs.apply_layer({LayerEntry{"bin/sh", EntryType::File, 04755, 0, 0, 1, "", std::nullopt},
                  LayerEntry{"usr/bin/apt", EntryType::File, 0755, 0, 0, 1, "", std::nullopt},
                  LayerEntry{"bin/busybox", EntryType::Symlink, 0777, 0, 0, 0, "../bin/sh", std::nullopt}});
  LayerResult r = read_layer(blob, budget, [](std::string_view p) { return p == "etc/passwd"; });
  fs.apply_layer(std::move(r.entries));
  auto summary = summarize(fs, "app:0");
  (void)summary;
  for (const auto& [path, e] : fs.entries()) (void)fs.resolve(path);
  return 0;
}
