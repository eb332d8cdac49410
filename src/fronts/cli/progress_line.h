// A progress line on standard error while a long scan runs: "scanning:
// 1200/5000 files, 37 findings", redrawn in place and wiped at the end. It is
// for a person at a terminal: never drawn into a pipe, a file or a CI log.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>

#include "engine/scanner.h"

namespace kg::cli {

struct ProgressStyle {
  bool enabled = false;  // draw at all
  bool escapes = false;  // erase with ESC[K; without, spaces do it (NO_COLOR, --color never)
  size_t width = 80;     // the terminal's columns: a line never wraps, or \r could not reach its start
};

// Enabled when standard error is a terminal, TERM is not dumb, CI is unset
// (some CI runners give jobs a pseudo-terminal), -q was not given, and the
// report does not stream to the same terminal meanwhile (`-f json` to the
// screen shows its own progress). Escapes follow the colour choice
// (--color, NO_COLOR, FORCE_COLOR) for standard error.
ProgressStyle progress_style(bool quiet, bool report_streams_to_stdout);

class ProgressLine {
 public:
  // Nothing is drawn before `delay` has passed (a quick scan shows nothing),
  // then at most every `interval`.
  explicit ProgressLine(ProgressStyle style, std::ostream& out,
                        std::chrono::milliseconds delay = std::chrono::milliseconds(1000),
                        std::chrono::milliseconds interval = std::chrono::milliseconds(100));
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void update(const engine::ScanProgress& progress);
  // Wipes the line (before the report is written); later updates draw again.
  void clear();

  // The text of one line, cut to `width` - 1 columns.
  static std::string text(const engine::ScanProgress& progress, size_t width);

 private:
  ProgressStyle style_;
  std::ostream& out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
  std::chrono::milliseconds delay_;
  std::chrono::milliseconds interval_;
  size_t drawn_ = 0;  // columns on screen now
};

}  // namespace kg::cli
