#include "audit/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "util/file.h"

namespace kg::audit {
namespace {

constexpr size_t kChunk = size_t{1} << 20;
constexpr size_t kTail = 256;  // bytes compared to tell a rewritten file from a grown one

}  // namespace

LineReader::LineReader(std::string path, LineReaderOptions options)
    : path_(std::move(path)), options_(std::move(options)) {
  if (options_.max_line == 0) options_.max_line = 1;
}

LineReader::~LineReader() {
  if (fd_ > 0) ::close(fd_);
}

bool LineReader::open_file() {
  opened_ = true;
  if (path_ == "-") {
    fd_ = STDIN_FILENO;
    return true;
  }
  // Regular files only: a FIFO or a device named as a log (/dev/zero) would
  // block or never end; a pipe is read through "-".
  util::OpenedFile opened = util::open_regular_file(path_, UINT64_MAX);
  fd_ = opened.fd;
  if (fd_ < 0) {
    open_error_ = fmt::format("{}: {}", path_, opened.error);
    return false;
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0) {
    inode_ = st.st_ino;
    device_ = st.st_dev;
  }
  offset_ = 0;
  tail_.clear();
  return true;
}

void LineReader::remember_tail(const char* data, size_t n) {
  if (n >= kTail) {
    tail_.assign(data + n - kTail, kTail);
    return;
  }
  tail_.append(data, n);
  if (tail_.size() > kTail) tail_.erase(0, tail_.size() - kTail);
}

bool LineReader::tail_still_there() const {
  if (tail_.empty() || offset_ < tail_.size()) return true;
  std::string now(tail_.size(), '\0');
  ssize_t n = 0;
  do {
    n = ::pread(fd_, now.data(), now.size(), static_cast<off_t>(offset_ - tail_.size()));
  } while (n < 0 && errno == EINTR);
  if (n < 0) return true;  // cannot tell: the size check still applies
  return static_cast<size_t>(n) == now.size() && now == tail_;
}

ssize_t LineReader::fill() {
  // Following a file: look for rotation once per poll interval even while
  // data keeps coming, so a file rewritten past the offset is not read from the middle.
  if (options_.follow && path_ != "-") {
    auto now = std::chrono::steady_clock::now();
    if (now - last_check_ >= std::chrono::milliseconds(options_.poll_ms)) {
      last_check_ = now;
      if (reopen_if_rotated()) return fill();
    }
  }
  // Keep the buffer no larger than one bounded line plus a chunk: move the
  // unread part to the front before reading more.
  if (begin_ > 0 && (begin_ == end_ || end_ + kChunk > buffer_.size())) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() < end_ + kChunk) buffer_.resize(end_ + kChunk);
  ssize_t n = 0;
  do {
    n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    if (options_.follow) remember_tail(buffer_.data() + end_, static_cast<size_t>(n));
    end_ += static_cast<size_t>(n);
    offset_ += static_cast<uint64_t>(n);
    bytes_read_ += static_cast<uint64_t>(n);
  }
  return n;
}

bool LineReader::reopen_if_rotated() {
  if (path_ == "-") return false;
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return false;  // between rename and create: try again later
  bool replaced = st.st_ino != inode_ || st.st_dev != device_;
  bool truncated = !replaced && (static_cast<uint64_t>(st.st_size) < offset_ || !tail_still_there());
  if (!replaced && !truncated) return false;
  if (replaced) {
    // What was written to the old file before it was renamed is read first (as tail -F does).
    struct stat old {};
    if (::fstat(fd_, &old) == 0 && static_cast<uint64_t>(old.st_size) > offset_) return false;
  }
  // A partial line of the old file will never be completed: drop it.
  begin_ = end_ = 0;
  discarding_ = false;
  discarded_ = 0;
  if (truncated) {
    ::lseek(fd_, 0, SEEK_SET);
    offset_ = 0;
    tail_.clear();
  } else {
    ::close(fd_);
    fd_ = -1;
    if (!open_file()) return false;
  }
  line_number_ = 0;
  rotated_ = true;
  return true;
}

void LineReader::wait() const { std::this_thread::sleep_for(std::chrono::milliseconds(options_.poll_ms)); }

LineItem LineReader::next() {
  LineItem item;
  if (done_) return item;
  if (!opened_ && !open_file()) {
    done_ = true;
    item.status = LineStatus::Error;
    item.text = open_error_;
    return item;
  }
  for (;;) {
    // A whole line in the buffer?
    const char* start = buffer_.data() + begin_;
    size_t available = end_ - begin_;
    const void* newline = available > 0 ? std::memchr(start, '\n', available) : nullptr;
    if (newline != nullptr) {
      size_t length = static_cast<size_t>(static_cast<const char*>(newline) - start);
      begin_ += length + 1;
      ++line_number_;
      item.line_number = line_number_;
      item.rotated = rotated_;
      rotated_ = false;
      if (discarding_) {
        discarding_ = false;
        item.status = LineStatus::Oversized;
        item.length = discarded_ + length;
        discarded_ = 0;
        return item;
      }
      if (length > 0 && start[length - 1] == '\r') --length;
      item.status = LineStatus::Line;
      item.text = std::string_view(start, length);
      item.length = length;
      return item;
    }
    // No newline: drop what belongs to an oversized line, keep the rest.
    if (discarding_ || available > options_.max_line) {
      discarding_ = true;
      discarded_ += available;
      begin_ = end_;
    }
    ssize_t n = fill();
    if (n < 0) {
      done_ = true;
      item.status = LineStatus::Error;
      open_error_ = fmt::format("{}: read error: {}", path_, std::strerror(errno));
      item.text = open_error_;
      return item;
    }
    if (n > 0) continue;
    // End of the data for now.
    if (options_.follow) {
      if (options_.stop && options_.stop()) {
        done_ = true;
        return item;
      }
      if (reopen_if_rotated()) continue;
      wait();
      // Checked again before reading: a file truncated and written past the
      // offset during the wait must be read from its start, not from the offset.
      last_check_ = {};
      continue;
    }
    done_ = true;
    if (discarding_) {
      ++line_number_;
      item.status = LineStatus::Oversized;
      item.line_number = line_number_;
      item.length = discarded_;
      item.unterminated = true;
      return item;
    }
    if (end_ > begin_) {
      // The last line had no newline: hand it over; the caller decides
      // whether it is whole (a file written without a final newline) or cut.
      ++line_number_;
      item.status = LineStatus::Line;
      item.text = std::string_view(buffer_.data() + begin_, end_ - begin_);
      item.length = item.text.size();
      item.line_number = line_number_;
      item.unterminated = true;
      begin_ = end_;
      return item;
    }
    return item;
  }
}

}  // namespace kg::audit
