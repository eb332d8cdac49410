// What is inside an image: its config and layers read from the registry
// (every blob checked against its digest), the layers stacked with their
// whiteouts, and the summary the KG-IMG contents rules and KG-POD-003 read:
// shells, package managers, setuid and setgid files, and the config's USER.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "rules/image_contents.h"
#include "supply/image_fs.h"
#include "supply/manifest.h"
#include "supply/registry_client.h"

namespace kg::supply {

// The limits of reading one image; each overrun ends the reading with the
// flag that raises it in the reason (KG-IMG-013).
struct ContentsLimits {
  size_t max_compressed_bytes = size_t{256} << 20;  // --inspect-max-download: the layers as downloaded, summed
  size_t max_unpacked_bytes = size_t{1} << 30;      // --inspect-max-unpacked: the tar streams, summed
  size_t max_entries = 200'000;                     // --inspect-max-entries: files, directories, links, summed
  long timeout_seconds = 60;                        // --inspect-timeout: the whole reading of one image
};

// The summary of a stacked file tree and the config's User.
rules::ImageContents summarize(const ImageFs& fs, std::string_view user);

// True when `user` (the config's User: "name", "uid", "uid:gid", "name:group")
// makes the process root: empty, 0, root, or a name /etc/passwd in the image
// maps to uid 0.
bool user_is_root(std::string_view user, const ImageFs& fs);

struct ContentsRead {
  rules::ImageContents contents;
  bool transient = false;  // a network failure: worth asking again later
};

// Reads the image `digest` of `repository` (an index: its `platform` entry)
// within `limits`; the registry's deadline is set to the time limit. Give it
// a client whose content cache is off: layers are read once and kept only as
// the summary.
ContentsRead read_image_contents(RegistryClient& registry, std::string_view repository, std::string_view digest,
                                 const Platform& platform, const ContentsLimits& limits);

}  // namespace kg::supply
