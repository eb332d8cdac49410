#include "util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

namespace kg::util {
namespace {

std::string_view file_type_name(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

std::string too_large_message(uint64_t max_bytes) {
  return fmt::format("larger than {} MiB, the most read from one input; not read", max_bytes >> 20);
}

OpenedFile open_regular_file(const std::string& path, uint64_t max_bytes) {
  OpenedFile out;
  // O_NONBLOCK: opening a FIFO with no writer would otherwise block here.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    out.error = fmt::format("cannot open: {}", std::strerror(errno));
    return out;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    out.error = fmt::format("cannot stat: {}", std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    out.error = fmt::format("{}: only regular files are read (- reads standard input)", file_type_name(st.st_mode));
  } else if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    out.too_large = true;
    out.error = too_large_message(max_bytes);
  } else {
    int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    out.fd = fd;
    return out;
  }
  ::close(fd);
  return out;
}

}  // namespace kg::util
