// audit_floor: the bare simdjson pass over an audit log, the floor that
// `kubeguard audit` is measured against. It reads the file in 1 MiB chunks,
// splits lines, and parses each line with one reused simdjson DOM parser (the
// parser kubeguard uses), touching nothing else. No detector can be faster
// than this loop over the same file.
//
//   audit_floor FILE
//
// Prints bytes, lines, parse errors, seconds, MB/s (MB = 10^6 bytes) and
// lines/s. Exit status: 0 on success, 2 when the file cannot be read.

#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: audit_floor FILE\n");
    return 2;
  }
  int fd = ::open(argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "audit_floor: %s: %s\n", argv[1], std::strerror(errno));
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  simdjson::dom::parser parser;
  std::vector<char> buffer(size_t{2} << 20);
  size_t begin = 0, end = 0;
  uint64_t bytes = 0, lines = 0, errors = 0, objects = 0;
  for (;;) {
    if (begin > 0) {
      std::memmove(buffer.data(), buffer.data() + begin, end - begin);
      end -= begin;
      begin = 0;
    }
    if (buffer.size() - end < (size_t{1} << 20)) buffer.resize(buffer.size() * 2);
    ssize_t n = ::read(fd, buffer.data() + end, buffer.size() - end);
    if (n < 0) {
      std::fprintf(stderr, "audit_floor: read error\n");
      return 2;
    }
    bool eof = n == 0;
    end += static_cast<size_t>(n);
    bytes += static_cast<uint64_t>(n);
    for (;;) {
      const char* line = buffer.data() + begin;
      const void* nl = std::memchr(line, '\n', end - begin);
      size_t length =
          nl != nullptr ? static_cast<size_t>(static_cast<const char*>(nl) - line) : (eof ? end - begin : 0);
      if (nl == nullptr && (!eof || length == 0)) break;
      ++lines;
      simdjson::dom::element root;
      if (parser.parse(line, length, true).get(root) != simdjson::SUCCESS) ++errors;
      else if (root.is_object()) ++objects;
      begin += length + (nl != nullptr ? 1 : 0);
    }
    if (eof) break;
  }
  ::close(fd);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("bytes %llu\nlines %llu\nobjects %llu\nerrors %llu\nseconds %.3f\nMB/s %.1f\nlines/s %.0f\n",
              static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(lines),
              static_cast<unsigned long long>(objects), static_cast<unsigned long long>(errors), seconds,
              static_cast<double>(bytes) / 1e6 / seconds, static_cast<double>(lines) / seconds);
  return 0;
}
