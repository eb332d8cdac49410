// An audit log read as a stream: lines of JSON (an Event, a wrapped GKE/AKS
// event, or an EventList each), or a pretty-printed document spread over
// several lines (an EventList saved with indentation). Problems are reported
// with file and line and never stop the stream.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "audit/detector.h"
#include "audit/line_reader.h"

namespace kg::audit {

struct StreamStats {
  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t events = 0;
  uint64_t malformed = 0;                        // lines (or documents) that were not audit events
  uint64_t oversized = 0;                        // lines longer than the bound, skipped
  uint64_t suppressed = 0;                       // dropped (rule disabled) or marked suppressed
  std::array<uint64_t, 5> alerts_by_severity{};  // unsuppressed, indexed by rules::Severity
  bool read_error = false;                       // the input could not be opened or read

  uint64_t alerts() const;
};

using AlertSink = std::function<void(const Alert&)>;
using ProblemSink = std::function<void(const std::string& message)>;  // "file:line: what"

// Reads `path` ("-" for standard input) to its end (or, following, until
// options.stop says so), feeding `detector`; alerts and problems go to the sinks.
StreamStats run_stream(const std::string& path, Detector& detector, const LineReaderOptions& options,
                       const AlertSink& on_alert, const ProblemSink& on_problem);

}  // namespace kg::audit
