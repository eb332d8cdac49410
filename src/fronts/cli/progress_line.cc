#include "fronts/cli/progress_line.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <string_view>

#include <fmt/format.h>

#include "fronts/cli/commands.h"

namespace kg::cli {
namespace {

bool env_set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' && std::string_view(value) != "false" && std::string_view(value) != "0";
}

size_t terminal_width(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace

ProgressStyle progress_style(bool quiet, bool report_streams_to_stdout) {
  ProgressStyle style;
  if (quiet || env_set("CI") || ::isatty(STDERR_FILENO) == 0) return style;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return style;
  if (report_streams_to_stdout && ::isatty(STDOUT_FILENO) != 0) return style;
  style.enabled = true;
  style.escapes = use_color(stderr);
  style.width = terminal_width(STDERR_FILENO);
  return style;
}

ProgressLine::ProgressLine(ProgressStyle style, std::ostream& out, std::chrono::milliseconds delay,
                           std::chrono::milliseconds interval)
    : style_(style), out_(out), start_(std::chrono::steady_clock::now()), delay_(delay), interval_(interval) {}

ProgressLine::~ProgressLine() { clear(); }

std::string ProgressLine::text(const engine::ScanProgress& p, size_t width) {
  std::string line = fmt::format("scanning: {}/{} files, {} finding{}", p.files_done, p.files_total, p.findings,
                                 p.findings == 1 ? "" : "s");
  size_t room = width > 1 ? width - 1 : 0;
  if (line.size() > room) line.resize(room);
  return line;
}

void ProgressLine::update(const engine::ScanProgress& progress) {
  if (!style_.enabled) return;
  auto now = std::chrono::steady_clock::now();
  if (now - start_ < delay_ || (drawn_ > 0 && now - last_ < interval_)) return;
  last_ = now;
  std::string line = text(progress, style_.width);
  size_t shown = line.size();
  if (style_.escapes) {
    out_ << '\r' << line << "\x1b[K";
  } else {
    // Spaces wipe what a longer line before left.
    out_ << '\r' << line << std::string(drawn_ > shown ? drawn_ - shown : 0, ' ');
    shown = std::max(drawn_, shown);
  }
  out_.flush();
  drawn_ = shown;
}

void ProgressLine::clear() {
  if (drawn_ == 0) return;
  if (style_.escapes) {
    out_ << "\r\x1b[K";
  } else {
    out_ << '\r' << std::string(drawn_, ' ') << '\r';
  }
  out_.flush();
  drawn_ = 0;
}

}  // namespace kg::cli
