#include "util/json_writer.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace kg::util {
namespace {

// Text goes to a string first and reaches the stream in large pieces:
// per-character ostream calls cost more than the rest of the report.
constexpr size_t kFlushAt = size_t{1} << 16;

constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> table{};
  for (size_t c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = true;
  table['\\'] = true;
  return table;
}();

// Whether any of the 8 bytes in `w` is a control character, '"' or '\\'
// (exact, not a heuristic: the classic "has less than" and "has zero byte"
// tests).
bool word_needs_escape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return ((v - kOnes) & ~v & kHighs) != 0; };
  bool below_space = ((w - kOnes * 0x20) & ~w & kHighs) != 0;
  return below_space || has_zero(w ^ (kOnes * '"')) || has_zero(w ^ (kOnes * '\\'));
}

void escape_into(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t run = 0;
  size_t i = 0;
  while (i < s.size()) {
    // Most text needs no escaping: skip it eight bytes at a time.
    if (s.size() - i >= 8) {
      uint64_t word = 0;
      std::memcpy(&word, s.data() + i, sizeof word);
      if (!word_needs_escape(word)) {
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (!kNeedsEscape[c]) {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    run = i + 1;
    ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(s.data() + run, s.size() - run);
}

template <typename Int>
void append_number(std::string& out, Int n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, end);
}

}  // namespace

void json_escape(std::ostream& out, std::string_view s) {
  std::string escaped;
  escaped.reserve(s.size() + 8);
  escape_into(escaped, s);
  out.write(escaped.data(), static_cast<std::streamsize>(escaped.size()));
}

std::string json_escaped(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  escape_into(out, s);
  return out;
}

JsonWriter::~JsonWriter() { flush(); }

void JsonWriter::flush() {
  if (buffer_.empty()) return;
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

void JsonWriter::maybe_flush() {
  // A complete top-level value is handed over at once, so callers may read
  // the stream right after writing it; large documents go in pieces.
  if (stack_.empty() || buffer_.size() >= kFlushAt) flush();
}

void JsonWriter::newline() {
  if (!pretty_) return;
  buffer_ += '\n';
  buffer_.append(2 * stack_.size(), ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  if (!stack_.back().empty) buffer_ += ',';
  stack_.back().empty = false;
  newline();
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  buffer_ += '{';
  stack_.push_back(Level{true});
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  bool empty = stack_.back().empty;
  stack_.pop_back();
  if (!empty) newline();
  buffer_ += '}';
  if (stack_.empty() && pretty_) buffer_ += '\n';
  maybe_flush();
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  buffer_ += '[';
  stack_.push_back(Level{false});
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  bool empty = stack_.back().empty;
  stack_.pop_back();
  if (!empty) newline();
  buffer_ += ']';
  maybe_flush();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  write_string(name);
  buffer_ += pretty_ ? ": " : ":";
  after_key_ = true;
  return *this;
}

void JsonWriter::write_string(std::string_view s) {
  buffer_ += '"';
  escape_into(buffer_, s);
  buffer_ += '"';
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  write_string(text);
  maybe_flush();
  return *this;
}

JsonWriter& JsonWriter::escaped_value(std::string_view escaped) {
  before_value();
  buffer_ += '"';
  buffer_ += escaped;
  buffer_ += '"';
  maybe_flush();
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  buffer_ += b ? "true" : "false";
  maybe_flush();
  return *this;
}

JsonWriter& JsonWriter::value(int64_t n) {
  before_value();
  append_number(buffer_, n);
  maybe_flush();
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t n) {
  before_value();
  append_number(buffer_, n);
  maybe_flush();
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  buffer_ += "null";
  maybe_flush();
  return *this;
}

}  // namespace kg::util
