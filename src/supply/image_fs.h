// The file tree of an image as its layers build it: each layer's entries
// added in order, with the OCI whiteouts applied to the layers below
// (".wh.NAME" deletes NAME and what is under it; ".wh..wh..opq" empties its
// directory of everything the lower layers put there). Only metadata is
// kept (type, mode, owner, link target), plus the bytes of the few small
// files the summary reads (/etc/passwd).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kg::supply {

enum class EntryType : uint8_t { File, Directory, Symlink, Hardlink, Other };

struct LayerEntry {
  std::string path;  // normalized: relative to the root, no "./", no trailing '/'
  EntryType type = EntryType::File;
  uint32_t mode = 0;  // permission and set-id bits (07777)
  int64_t uid = 0;
  int64_t gid = 0;
  int64_t size = 0;
  std::string link;                    // Symlink: the target as written; Hardlink: the normalized path
  std::optional<std::string> content;  // kept only for the files the summary reads
};

// "./usr//bin/sh/" -> "usr/bin/sh"; nullopt for the root itself and for
// paths with ".." components (never applied).
std::optional<std::string> normalize_entry_path(std::string_view path);

// The whiteout a path names: its target and whether it is opaque (the target
// is then the directory whose lower contents are hidden).
struct Whiteout {
  std::string target;
  bool opaque = false;
};
std::optional<Whiteout> whiteout_of(std::string_view normalized_path);

class ImageFs {
 public:
  // One layer's entries, in archive order.
  void apply_layer(std::vector<LayerEntry> entries);

  const LayerEntry* find(std::string_view path) const;
  // Follows symbolic links in every component (at most 40 hops): the entry
  // the path finally names; nullptr when it dangles or loops.
  const LayerEntry* resolve(std::string_view path) const;
  const std::map<std::string, LayerEntry, std::less<>>& entries() const { return entries_; }

 private:
  void erase_below(std::string_view dir);  // everything under dir/, not dir itself
  std::map<std::string, LayerEntry, std::less<>> entries_;
};

}  // namespace kg::supply
