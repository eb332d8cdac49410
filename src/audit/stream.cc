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

namespace {

size_t indentation(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
  return n;
}

// A line at the left margin that opens JSON: a new event (or document)
// starts there, whatever was open before it.
bool starts_event(std::string_view line) { return !line.empty() && (line.front() == '{' || line.front() == '['); }

}  // namespace

StreamStats run_stream(const std::string& path, Detector& detector, const LineReaderOptions& options,
                       const AlertSink& on_alert, const ProblemSink& on_problem) {
  StreamStats stats;
  LineReader reader(path, options);
  // A document spread over several lines, collected whole before decoding:
  //   Object: a pretty-printed event or EventList, from a line that is only
  //           "{" to a line that is only "}", both at the left margin;
  //   Array:  a pretty-printed JSON array (`gcloud logging read --format=json`),
  //           from "[" to "]": each element is collected and decoded on its
  //           own (an indented "{" to the "}" or "}," at the same indentation,
  //           or one element on one line), so memory holds one element.
  // A document that never closes ends at the next line that starts an event
  // at the left margin; its lines are counted and reported as skipped.
  enum class Mode : uint8_t { Lines, Object, Array };
  Mode mode = Mode::Lines;
  std::string document;  // the object, or the array element, being collected
  uint64_t document_line = 0;
  uint64_t document_lines = 0;  // lines collected into it so far
  bool document_too_large = false;
  bool in_element = false;  // Array: an element is being collected
  size_t element_indent = 0;

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
      if (!alert.suppressed) ++stats.alerts_by_severity[static_cast<size_t>(alert.severity)];
      on_alert(alert);
    }
  };
  auto begin_document = [&](std::string_view first_line, uint64_t line) {
    document.clear();
    document.append(first_line);
    document.push_back('\n');
    document_line = line;
    document_lines = 1;
    document_too_large = false;
  };
  auto collect = [&](std::string_view text) {
    ++document_lines;
    if (document_too_large) return;
    if (document.size() + text.size() + 1 > options.max_line) {
      document_too_large = true;
      document.clear();
      return;
    }
    document.append(text);
    document.push_back('\n');
  };
  auto finish_document = [&](bool drop_trailing_comma) {
    if (document_too_large) {
      ++stats.oversized;
      on_problem(fmt::format("{}:{}: document longer than the bound ({} bytes), skipped", path, document_line,
                             options.max_line));
    } else {
      if (drop_trailing_comma) {
        while (!document.empty() && (document.back() == '\n' || document.back() == ' ')) document.pop_back();
        if (!document.empty() && document.back() == ',') document.pop_back();
      }
      feed(document, document_line, false);
    }
    document.clear();
  };
  auto abandon = [&](uint64_t line, std::string_view why) {
    ++stats.malformed;
    on_problem(fmt::format("{}:{}: {} not closed {}; its {} line(s) skipped", path, document_line,
                           mode == Mode::Array ? "JSON array element" : "JSON document", why, document_lines));
    (void)line;
    document.clear();
    in_element = false;
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
      mode = Mode::Lines;
      in_element = false;
      document.clear();
    }
    if (item.status == LineStatus::Oversized) {
      ++stats.oversized;
      on_problem(fmt::format("{}:{}: line of {} bytes is longer than the bound ({} bytes), skipped", path,
                             item.line_number, item.length, options.max_line));
      continue;
    }
    std::string_view text = item.text;
    if (item.line_number == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
    std::string_view trimmed = trim(text);

    if (mode == Mode::Object) {
      if (trimmed == "}" && text.front() == '}') {
        collect(text);
        finish_document(false);
        mode = Mode::Lines;
        continue;
      }
      if (!starts_event(text)) {
        collect(text);
        if (item.unterminated) {
          abandon(item.line_number, "at the end of the input");
          mode = Mode::Lines;
        }
        continue;
      }
      abandon(item.line_number, fmt::format("before line {}, where the next event starts", item.line_number));
      mode = Mode::Lines;  // and this line is read afresh below
    } else if (mode == Mode::Array) {
      if (in_element) {
        size_t indent = indentation(text);
        if (indent == element_indent && (trimmed == "}" || trimmed == "},")) {
          collect(text);
          finish_document(true);
          in_element = false;
          continue;
        }
        if (!(indent == 0 && starts_event(text)) || element_indent == 0) {
          collect(text);
          if (item.unterminated) {
            abandon(item.line_number, "at the end of the input");
            mode = Mode::Lines;
          }
          continue;
        }
        abandon(item.line_number, fmt::format("before line {}, where the next event starts", item.line_number));
        mode = Mode::Lines;
      } else if (trimmed == "]" || trimmed == "],") {
        mode = Mode::Lines;
        continue;
      } else if (trimmed == "{") {
        in_element = true;
        element_indent = indentation(text);
        begin_document(text, item.line_number);
        continue;
      } else if (trimmed.starts_with("{")) {
        // One element on one line.
        begin_document(trimmed, item.line_number);
        finish_document(true);
        continue;
      } else if (trimmed.empty() || trimmed == ",") {
        continue;
      } else {
        ++stats.malformed;
        on_problem(fmt::format("{}:{}: not an element of the JSON array started at line {}, skipped", path,
                               item.line_number, document_line));
        if (starts_event(text)) mode = Mode::Lines;
        else continue;
      }
    }

    if (trimmed.empty()) continue;
    if (trimmed == "{") {
      mode = Mode::Object;
      begin_document("{", item.line_number);
      continue;
    }
    if (trimmed == "[") {
      mode = Mode::Array;
      in_element = false;
      document_line = item.line_number;
      continue;
    }
    feed(text, item.line_number, item.unterminated);
  }
  if (mode == Mode::Object || (mode == Mode::Array && in_element)) {
    abandon(0, "at the end of the input");
  } else if (mode == Mode::Array) {
    ++stats.malformed;
    on_problem(fmt::format("{}:{}: JSON array not closed at the end of the input", path, document_line));
  }
  stats.bytes = reader.bytes_read();
  return stats;
}

}  // namespace kg::audit
