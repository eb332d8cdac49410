#include "doc/json_loader.h"

#include <fmt/format.h>

namespace kg::doc {
namespace {

class JsonParser {
 public:
  JsonParser(std::string_view text, std::string_view file, const LoadLimits& limits)
      : text_(text), file_(file), limits_(limits) {}

  bool at_end() {
    skip_space();
    return pos_ >= text_.size();
  }

  // Parses one value; on failure fills error_ and returns false.
  bool parse_document(Node& out) {
    nodes_ = 0;
    return parse_value(out, 0);
  }

  LoadError take_error() { return std::move(error_); }
  size_t offset() const { return pos_; }

 private:
  Mark mark() const { return Mark{line_, static_cast<uint32_t>(pos_ - line_start_) + 1}; }

  bool fail(std::string message, ErrorCode code = ErrorCode::JsonSyntax) {
    error_ = LoadError{code, std::string(file_), mark(), std::move(message)};
    return false;
  }

  void skip_space() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        line_start_ = ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else {
        break;
      }
    }
  }

  bool parse_value(Node& out, uint32_t depth) {
    skip_space();
    if (pos_ >= text_.size()) return fail("unexpected end of input, expected a value");
    if (++nodes_ > limits_.max_nodes_per_document) {
      return fail(fmt::format("document has more than {} nodes", limits_.max_nodes_per_document), ErrorCode::TooLarge);
    }
    Mark at = mark();
    char c = text_[pos_];
    if (c == '{' || c == '[') {
      if (depth >= limits_.max_depth) {
        return fail(fmt::format("nesting deeper than {} levels", limits_.max_depth), ErrorCode::TooDeep);
      }
      return c == '{' ? parse_object(out, at, depth) : parse_array(out, at, depth);
    }
    if (c == '"') {
      std::string s;
      if (!parse_string(s)) return false;
      out = Node::scalar(std::move(s), ScalarType::String, at);
      return true;
    }
    if (literal("true") || literal("false")) {
      out = Node::scalar(c == 't' ? "true" : "false", ScalarType::Bool, at);
      return true;
    }
    if (literal("null")) {
      out = Node::null(at);
      return true;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(out, at);
    return fail(fmt::format("unexpected character '{}'", printable(c)));
  }

  static std::string printable(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) return fmt::format("\\x{:02x}", u);
    return std::string(1, c);
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool parse_number(Node& out, Mark at) {
    size_t start = pos_;
    bool is_float = false;
    if (text_[pos_] == '-') ++pos_;
    auto digits = [&] {
      size_t from = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ > from;
    };
    if (!digits()) return fail("invalid number");
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      is_float = true;
      if (!digits()) return fail("invalid number: digits expected after '.'");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      is_float = true;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!digits()) return fail("invalid number: digits expected in exponent");
    }
    out = Node::scalar(std::string(text_.substr(start, pos_ - start)), is_float ? ScalarType::Float : ScalarType::Int,
                       at);
    return true;
  }

  static void append_utf8(std::string& s, uint32_t cp) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool hex4(uint32_t& value) {
    if (pos_ + 4 > text_.size()) return fail("truncated \\u escape");
    value = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_++];
      value <<= 4;
      if (c >= '0' && c <= '9') value |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') value |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') value |= static_cast<uint32_t>(c - 'A' + 10);
      else return fail("invalid \\u escape");
    }
    return true;
  }

  bool parse_string(std::string& s) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= text_.size()) return fail("unterminated string");
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
      if (c != '\\') {
        size_t run = pos_;
        while (run < text_.size() && text_[run] != '"' && text_[run] != '\\' &&
               static_cast<unsigned char>(text_[run]) >= 0x20)
          ++run;
        s.append(text_.substr(pos_, run - pos_));
        pos_ = run;
        continue;
      }
      if (++pos_ >= text_.size()) return fail("unterminated escape");
      char e = text_[pos_++];
      switch (e) {
        case '"': s += '"'; break;
        case '\\': s += '\\'; break;
        case '/': s += '/'; break;
        case 'b': s += '\b'; break;
        case 'f': s += '\f'; break;
        case 'n': s += '\n'; break;
        case 'r': s += '\r'; break;
        case 't': s += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            uint32_t low = 0;
            if (!hex4(low)) return false;
            if (low >= 0xDC00 && low <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else {
              append_utf8(s, 0xFFFD);
              cp = low;
            }
          } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
          }
          append_utf8(s, cp);
          break;
        }
        default: --pos_; return fail(fmt::format("invalid escape '\\{}'", printable(e)));
      }
    }
  }

  bool parse_object(Node& out, Mark at, uint32_t depth) {
    ++pos_;
    out = Node::mapping(at);
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != '"') return fail("expected a string key");
      Mark key_mark = mark();
      std::string key;
      if (!parse_string(key)) return false;
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != ':') return fail("expected ':' after key");
      ++pos_;
      Node value;
      if (!parse_value(value, depth + 1)) return false;
      out.set(std::move(key), key_mark, std::move(value));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or '}' in object");
    }
  }

  bool parse_array(Node& out, Mark at, uint32_t depth) {
    ++pos_;
    out = Node::sequence(at);
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      Node item;
      if (!parse_value(item, depth + 1)) return false;
      out.append(std::move(item));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or ']' in array");
    }
  }

  std::string_view text_;
  std::string_view file_;
  const LoadLimits& limits_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  uint64_t nodes_ = 0;
  LoadError error_;
};

}  // namespace

JsonStreamEnd parse_json_values(std::string_view text, std::string_view file, uint32_t first_index,
                                const DocumentSink& on_document, const LoadLimits& limits) {
  JsonParser parser(text, file, limits);
  JsonStreamEnd end;
  while (!parser.at_end()) {
    Node root;
    if (!parser.parse_document(root)) {
      end.failed = true;
      end.error = parser.take_error();
      return end;
    }
    end.end = parser.offset();
    uint32_t this_index = first_index + end.values++;
    if (!root.is_null()) on_document(Document{std::string(file), this_index, std::move(root)});
  }
  return end;
}

void parse_json_stream(std::string_view text, std::string_view file, const DocumentSink& on_document,
                       const ErrorSink& on_error, const LoadLimits& limits) {
  // After a syntax error the stream position is unknown; the rest of the file is not read.
  JsonStreamEnd end = parse_json_values(text, file, 0, on_document, limits);
  if (end.failed) on_error(std::move(end.error));
}

}  // namespace kg::doc
