// Lines of a file or of standard input, in bounded memory: a line longer than
// the bound is skipped (and reported) without being held; with `follow`, the
// reader waits for the file to grow and follows it across rotation (a new
// file under the same name, or the same file truncated), as `tail -F` does.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kg::audit {

struct LineReaderOptions {
  size_t max_line = size_t{16} << 20;  // bytes; longer lines are skipped
  bool follow = false;
  unsigned poll_ms = 200;  // how often a followed file is checked for new data
  // Asked between polls when following: true ends the stream. Null: never.
  std::function<bool()> stop;
};

enum class LineStatus : uint8_t {
  Line,       // `text` is a whole line (without its newline)
  Oversized,  // a line longer than max_line was skipped; `length` says how long it was
  End,        // no more input (never returned while following, unless stop() said so)
  Error,      // `text` says what failed (open, read)
};

struct LineItem {
  LineStatus status = LineStatus::End;
  std::string_view text;      // valid until the next call
  uint64_t line_number = 0;   // 1-based, within the current file
  uint64_t length = 0;        // bytes of the line (for Oversized: bytes skipped)
  bool unterminated = false;  // the last line of the input had no newline (maybe cut short)
  bool rotated = false;       // first line read after the followed file was replaced or truncated
};

class LineReader {
 public:
  // "-" reads standard input (not followed across rotation).
  LineReader(std::string path, LineReaderOptions options);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  LineItem next();
  const std::string& path() const { return path_; }
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  bool open_file();
  // Reads more bytes into the buffer; 0 at end of data, -1 on error.
  ssize_t fill();
  // Followed file replaced (new inode) or truncated (smaller than what was
  // read, or rewritten: the bytes just before the read offset changed):
  // starts the new content from its beginning. False when nothing changed.
  bool reopen_if_rotated();
  bool tail_still_there() const;
  void remember_tail(const char* data, size_t n);
  void wait() const;

  std::string path_;
  LineReaderOptions options_;
  int fd_ = -1;
  bool opened_ = false;
  std::string open_error_;
  ino_t inode_ = 0;
  dev_t device_ = 0;
  uint64_t offset_ = 0;  // bytes read from the current file
  uint64_t bytes_read_ = 0;
  std::vector<char> buffer_;
  size_t begin_ = 0;  // unread data is buffer_[begin_, end_)
  size_t end_ = 0;
  uint64_t line_number_ = 0;
  // The last bytes read from the followed file, to tell a file that was
  // copy-truncated and written again past the read offset between two polls
  // (same inode, not smaller) from one that only grew.
  std::string tail_;
  std::chrono::steady_clock::time_point last_check_{};
  bool discarding_ = false;  // inside an oversized line, waiting for its end
  uint64_t discarded_ = 0;
  bool rotated_ = false;
  bool done_ = false;
};

}  // namespace kg::audit
