// A minimal streaming JSON writer: correct escaping, no intermediate tree.
// Output is buffered: it reaches the stream whenever a top-level value is
// complete, every 64 KiB, on flush() and when the writer is destroyed.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace kg::util {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out, bool pretty = true) : out_(out), pretty_(pretty) {}
  ~JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void flush();

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(bool b);
  JsonWriter& value(int64_t n);
  JsonWriter& value(uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<int64_t>(n)); }
  JsonWriter& value(unsigned n) { return value(static_cast<uint64_t>(n)); }
  JsonWriter& null();
  // A string value whose JSON escaping was done before (json_escaped); for
  // long texts written many times, such as a rule's remediation.
  JsonWriter& escaped_value(std::string_view escaped);

  // Shorthand for key(name).value(v).
  template <typename T>
  JsonWriter& field(std::string_view name, T v) {
    key(name);
    return value(v);
  }

 private:
  void before_value();
  void maybe_flush();
  void newline();
  void write_string(std::string_view s);

  struct Level {
    bool is_object = false;
    bool empty = true;
  };
  std::ostream& out_;
  bool pretty_;
  bool after_key_ = false;
  std::vector<Level> stack_;
  std::string buffer_;
};

// Escapes a string for inclusion in JSON (without the quotes).
void json_escape(std::ostream& out, std::string_view s);
std::string json_escaped(std::string_view s);

}  // namespace kg::util
