// Opening the files the tool is asked to read: only regular files, with a
// bound on their size checked before anything is read.
#pragma once

#include <cstdint>
#include <string>

namespace kg::util {

struct OpenedFile {
  int fd = -1;             // O_CLOEXEC; -1 when refused
  bool too_large = false;  // refused for its size (else: could not be opened, or not a regular file)
  std::string error;       // why, without the path
};

// Opens `path` for reading if it is a regular file of at most `max_bytes`;
// FIFOs, sockets and devices (named explicitly, e.g. /dev/zero or a mkfifo)
// are refused without blocking on them. The caller closes the descriptor.
OpenedFile open_regular_file(const std::string& path, uint64_t max_bytes);

// "larger than N MiB, the most read from one input; not read"
std::string too_large_message(uint64_t max_bytes);

}  // namespace kg::util
