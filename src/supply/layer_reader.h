// Reads one image layer (a tar, uncompressed or compressed with gzip or zstd)
// from memory with libarchive: the entries' metadata, never their data,
// except the few small files the caller wants. Every limit is checked before
// the work it bounds (an entry's declared size before its data is skipped),
// so a hostile layer ends in an error, never in a crash, a hang or memory
// growth.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "supply/image_fs.h"

namespace kg::supply {

// Shared by all the layers of one image: each layer consumes from it.
struct LayerBudget {
  size_t max_unpacked_bytes = size_t{1} << 30;
  size_t max_entries = 200'000;
  std::chrono::steady_clock::time_point deadline{};  // epoch: none
  size_t unpacked_bytes = 0;                         // consumed so far
  size_t entries = 0;
};

struct LayerResult {
  std::vector<LayerEntry> entries;
  std::string error;  // "" when the whole layer was read
  // Set when the error is a limit of the budget (not a malformed layer): the
  // flag that raises it, "--inspect-max-unpacked", "--inspect-max-entries"
  // or "--inspect-timeout".
  std::string limit;
};

// `keep_content(path)` says which regular files' bytes to keep (at most
// 256 KiB each); null keeps none.
LayerResult read_layer(std::string_view blob, LayerBudget& budget,
                       const std::function<bool(std::string_view)>& keep_content = {});

}  // namespace kg::supply
