#include "audit/stream.h"

#include <fmt/format.h>

namespace kg::audit {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

uint64_t StreamStats::alerts() const {
  uint64_t total = 0;
  for (auto n : alerts_by_severity) total += n;
  return total;
}

StreamStats run_stream(const std::string& path, Detector& detector, const LineReaderOptions& options,
                       const AlertSink& on_alert, const ProblemSink& on_problem) {
  StreamStats stats;
  LineReader reader(path, options);
  // A pretty-printed document: from a line that is only "{" to a line that is only "}".
  std::string document;
  uint64_t document_line = 0;
  bool in_document = false;
  bool document_too_large = false;

  auto feed = [&](std::string_view text, uint64_t line, bool unterminated) {
    DetectResult result = detector.process_json(text);
    stats.events += result.events;
    stats.suppressed += result.suppressed;
    if (!result.error.empty()) {
      ++stats.malformed;
      if (unterminated && result.events == 0) {
        on_problem(fmt::format("{}:{}: last line has no newline and is not a whole event (cut short?), skipped: {}",
                               path, line, result.error));
      } else {
        on_problem(fmt::format("{}:{}: {}, skipped", path, line, result.error));
      }
    }
    for (auto& alert : result.alerts) {
      alert.source = fmt::format("{}:{}", path, line);
      ++stats.alerts_by_severity[static_cast<size_t>(alert.severity)];
      on_alert(alert);
    }
  };

  for (;;) {
    LineItem item = reader.next();
    if (item.status == LineStatus::End) break;
    if (item.status == LineStatus::Error) {
      stats.read_error = true;
      on_problem(std::string(item.text));
      break;
    }
    ++stats.lines;
    if (item.rotated) {
      on_problem(fmt::format("{}: file rotated or truncated, reading the new file from its start", path));
      in_document = false;
      document.clear();
    }
    if (item.status == LineStatus::Oversized) {
      ++stats.oversized;
      on_problem(fmt::format("{}:{}: line of {} bytes is longer than the bound ({} bytes), skipped", path,
                             item.line_number, item.length, options.max_line));
      continue;
    }
    std::string_view trimmed = trim(item.text);
    if (in_document) {
      if (!document_too_large) {
        if (document.size() + item.text.size() + 1 > options.max_line) {
          document_too_large = true;
          document.clear();
        } else {
          document.append(item.text);
          document.push_back('\n');
        }
      }
      if (trimmed == "}" && !item.text.empty() && item.text.front() == '}') {
        in_document = false;
        if (document_too_large) {
          ++stats.oversized;
          on_problem(fmt::format("{}:{}: document longer than the bound ({} bytes), skipped", path, document_line,
                                 options.max_line));
        } else {
          feed(document, document_line, false);
        }
        document.clear();
      } else if (item.unterminated) {
        ++stats.malformed;
        on_problem(fmt::format("{}:{}: document not closed at the end of the input, skipped", path, document_line));
      }
      continue;
    }
    if (trimmed.empty()) continue;
    if (trimmed == "{") {
      in_document = true;
      document_too_large = false;
      document.assign("{\n");
      document_line = item.line_number;
      continue;
    }
    feed(item.text, item.line_number, item.unterminated);
  }
  stats.bytes = reader.bytes_read();
  return stats;
}

}  // namespace kg::audit
