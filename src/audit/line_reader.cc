#include "audit/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

namespace kg::audit {
namespace {

constexpr size_t kChunk = size_t{1} << 20;

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
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    open_error_ = fmt::format("{}: cannot open: {}", path_, std::strerror(errno));
    return false;
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0) {
    inode_ = st.st_ino;
    device_ = st.st_dev;
  }
  offset_ = 0;
  return true;
}

ssize_t LineReader::fill() {
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
  bool truncated = !replaced && static_cast<uint64_t>(st.st_size) < offset_;
  if (!replaced && !truncated) return false;
  // A partial line of the old file will never be completed: drop it.
  begin_ = end_ = 0;
  discarding_ = false;
  discarded_ = 0;
  if (truncated) {
    ::lseek(fd_, 0, SEEK_SET);
    offset_ = 0;
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
