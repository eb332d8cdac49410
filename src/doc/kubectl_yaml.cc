// go-yaml v2's emitter (as vendored in sigs.k8s.io/yaml v1.4.0), the parts
// kubectl's YAML printer reaches: block mappings and sequences, empty flow
// collections, and its choice and writing of scalar styles. The functions
// keep go-yaml's names and order so each can be compared with the original.
#include "doc/kubectl_yaml.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "doc/json_loader.h"
#include "doc/kubectl_json.h"
#include "doc/yaml_scalar.h"

namespace kg::doc {
namespace {

// ------------------------------------------------------------- characters

unsigned char byte_at(std::string_view s, size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0; }

size_t width(unsigned char b) {
  if ((b & 0x80) == 0x00) return 1;
  if ((b & 0xE0) == 0xC0) return 2;
  if ((b & 0xF0) == 0xE0) return 3;
  if ((b & 0xF8) == 0xF0) return 4;
  return 1;  // not reached for the valid UTF-8 written here
}

bool is_space(std::string_view s, size_t i) { return byte_at(s, i) == ' '; }
bool is_blank(std::string_view s, size_t i) { return byte_at(s, i) == ' ' || byte_at(s, i) == '\t'; }

bool is_break(std::string_view s, size_t i) {
  unsigned char b = byte_at(s, i);
  return b == '\r' || b == '\n' || (b == 0xC2 && byte_at(s, i + 1) == 0x85) ||
         (b == 0xE2 && byte_at(s, i + 1) == 0x80 && (byte_at(s, i + 2) == 0xA8 || byte_at(s, i + 2) == 0xA9));
}

bool is_blankz(std::string_view s, size_t i) { return is_blank(s, i) || is_break(s, i) || i >= s.size(); }

bool is_printable(std::string_view s, size_t i) {
  unsigned char b = byte_at(s, i);
  unsigned char b1 = byte_at(s, i + 1);
  unsigned char b2 = byte_at(s, i + 2);
  return b == 0x0A || (b >= 0x20 && b <= 0x7E) || (b == 0xC2 && b1 >= 0xA0) || (b > 0xC2 && b < 0xED) ||
         (b == 0xED && b1 < 0xA0) || b == 0xEE ||
         (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)));
}

// go-yaml's is_bom looks at the start of the value, not at position i: a
// value that starts with a BOM has every character escaped.
bool is_bom(std::string_view s) { return byte_at(s, 0) == 0xEF && byte_at(s, 1) == 0xBB && byte_at(s, 2) == 0xBF; }

char32_t decode(std::string_view s, size_t& i) {
  unsigned char b = byte_at(s, i);
  size_t w = width(b);
  char32_t v = w == 1 ? b : w == 2 ? (b & 0x1F) : w == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t k = 1; k < w; ++k) v = (v << 6) | (byte_at(s, i + k) & 0x3F);
  i += w;
  return v;
}

// ------------------------------------------------------------------ values

// The object as JSONToYAML holds it: JSON read back by go-yaml. A mapping's
// pair is a struct of its own (not std::pair) so the recursion is legal:
// std::pair would need Value complete where Value is still being defined.
struct ValueEntry;
struct Value {
  enum class Kind : uint8_t { Plain, String, Sequence, Mapping } kind = Kind::Plain;
  std::string text;  // Plain: null, true, false or a number as go-yaml writes it; String: the string
  std::vector<Value> items;
  std::vector<ValueEntry> entries;  // in go-yaml's key order
};
struct ValueEntry {
  std::string key;
  Value value;
};

// strconv.FormatFloat(f, 'g', -1, 64).
std::string go_g(double f) {
  if (f == 0) return std::signbit(f) ? "-0" : "0";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, f, std::chars_format::scientific);
  std::string_view sci(buffer, static_cast<size_t>(end - buffer));
  size_t e = sci.find('e');
  int exp = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exp);
  if (exp < -4 || exp >= 6) {
    // Go writes at least two exponent digits, as C++ does.
    return std::string(sci);
  }
  auto [fend, fec] = std::to_chars(buffer, buffer + sizeof buffer, f, std::chars_format::fixed);
  return std::string(buffer, static_cast<size_t>(fend - buffer));
}

// go-yaml reads the JSON text as YAML, where a raw line break inside a
// double-quoted scalar is folded. encoding/json escapes every break but
// U+0085 (NEL): one NEL becomes a space, each further one a line feed, and
// spaces next to them go (yaml_parser_scan_flow_scalar).
std::string fold_nel(std::string_view s) {
  if (s.find("\xC2\x85") == std::string_view::npos) return std::string(s);
  auto is_nel = [&](size_t i) { return byte_at(s, i) == 0xC2 && byte_at(s, i + 1) == 0x85; };
  std::string out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && s[i] != ' ' && !is_nel(i)) out += s[i++];
    if (i >= s.size()) break;
    bool leading_blanks = false;
    std::string whitespaces;
    std::string trailing_breaks;
    while (i < s.size() && (s[i] == ' ' || is_nel(i))) {
      if (s[i] == ' ') {
        if (!leading_blanks) whitespaces += ' ';
        ++i;
      } else {
        if (!leading_blanks) whitespaces.clear();
        else trailing_breaks += '\n';
        leading_blanks = true;
        i += 2;
      }
    }
    out += leading_blanks ? (trailing_breaks.empty() ? std::string(" ") : trailing_breaks) : whitespaces;
  }
  return out;
}

Value value_of(const Node& node) {
  Value v;
  switch (node.kind()) {
    case NodeKind::Null: v.text = "null"; return v;
    case NodeKind::Sequence:
      v.kind = Value::Kind::Sequence;
      for (const auto& item : node.items()) v.items.push_back(value_of(item));
      return v;
    case NodeKind::Mapping:
      v.kind = Value::Kind::Mapping;
      for (const auto& e : node.entries()) v.entries.push_back(ValueEntry{fold_nel(e.key), value_of(e.value)});
      std::sort(v.entries.begin(), v.entries.end(),
                [](const auto& a, const auto& b) { return go_yaml_key_less(a.key, b.key); });
      return v;
    case NodeKind::Scalar: break;
  }
  switch (node.scalar_type()) {
    case ScalarType::String:
    case ScalarType::Invalid:
      v.kind = Value::Kind::String;
      v.text = fold_nel(node.str());
      return v;
    case ScalarType::Null: v.text = "null"; return v;
    case ScalarType::Bool: v.text = node.str() == "true" ? "true" : "false"; return v;
    case ScalarType::Int:
    case ScalarType::Float: {
      // The JSON number as go-yaml resolves it: int64, else uint64, else float64.
      GoScalar s;
      resolve_go_scalar("", node.str(), true, s);
      if (s.kind == GoScalar::Kind::Int) v.text = std::to_string(s.integer);
      else if (s.kind == GoScalar::Kind::Uint) v.text = std::to_string(s.unsigned_integer);
      else if (s.kind == GoScalar::Kind::Float) v.text = go_g(s.real);
      else v.text = node.str();
      return v;
    }
  }
  return v;
}

// isBase60Float: ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
bool is_base60_float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_')) ++i;
  int groups = 0;
  while (i < s.size() && s[i] == ':') {
    ++i;
    size_t digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 2) {
      ++i;
      ++digits;
    }
    if (digits == 0 || (digits == 2 && s[i - 2] > '5')) return false;
    ++groups;
  }
  if (groups == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_')) ++i;
  }
  return i == s.size();
}

// --------------------------------------------------------------- emitter

enum class Style : uint8_t { Plain, Single, Double, Literal };

struct ScalarData {
  bool multiline = false;
  bool flow_plain_allowed = false;
  bool block_plain_allowed = false;
  bool single_quoted_allowed = false;
  bool block_allowed = false;
};

// yaml_emitter_analyze_scalar.
ScalarData analyze_scalar(std::string_view value) {
  ScalarData d;
  if (value.empty()) {
    d.block_plain_allowed = true;
    d.single_quoted_allowed = true;
    return d;
  }
  bool block_indicators = false, flow_indicators = false, line_breaks = false, special_characters = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false;
  bool break_space = false, space_break = false, previous_space = false, previous_break = false;
  if (value.size() >= 3 && (value.starts_with("---") || value.starts_with("..."))) {
    block_indicators = true;
    flow_indicators = true;
  }
  bool preceded_by_whitespace = true;
  for (size_t i = 0, w = 0; i < value.size(); i += w) {
    w = width(byte_at(value, i));
    bool followed_by_whitespace = i + w >= value.size() || is_blank(value, i + w);
    char c = value[i];
    if (i == 0) {
      switch (c) {
        case '#':
        case ',':
        case '[':
        case ']':
        case '{':
        case '}':
        case '&':
        case '*':
        case '!':
        case '|':
        case '>':
        case '\'':
        case '"':
        case '%':
        case '@':
        case '`':
          flow_indicators = true;
          block_indicators = true;
          break;
        case '?':
        case ':':
          flow_indicators = true;
          if (followed_by_whitespace) block_indicators = true;
          break;
        case '-':
          if (followed_by_whitespace) {
            flow_indicators = true;
            block_indicators = true;
          }
          break;
        default: break;
      }
    } else {
      switch (c) {
        case ',':
        case '?':
        case '[':
        case ']':
        case '{':
        case '}': flow_indicators = true; break;
        case ':':
          flow_indicators = true;
          if (followed_by_whitespace) block_indicators = true;
          break;
        case '#':
          if (preceded_by_whitespace) {
            flow_indicators = true;
            block_indicators = true;
          }
          break;
        default: break;
      }
    }
    if (!is_printable(value, i)) special_characters = true;  // the emitter is in unicode mode
    if (is_space(value, i)) {
      if (i == 0) leading_space = true;
      if (i + w == value.size()) trailing_space = true;
      if (previous_break) break_space = true;
      previous_space = true;
      previous_break = false;
    } else if (is_break(value, i)) {
      line_breaks = true;
      if (i == 0) leading_break = true;
      if (i + w == value.size()) trailing_break = true;
      if (previous_space) space_break = true;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = false;
      previous_break = false;
    }
    preceded_by_whitespace = is_blankz(value, i);
  }
  d.multiline = line_breaks;
  d.flow_plain_allowed = d.block_plain_allowed = d.single_quoted_allowed = d.block_allowed = true;
  if (leading_space || leading_break || trailing_space || trailing_break) {
    d.flow_plain_allowed = d.block_plain_allowed = false;
  }
  if (trailing_space) d.block_allowed = false;
  if (break_space) d.flow_plain_allowed = d.block_plain_allowed = d.single_quoted_allowed = false;
  if (space_break || special_characters) {
    d.flow_plain_allowed = d.block_plain_allowed = d.single_quoted_allowed = d.block_allowed = false;
  }
  if (line_breaks) d.flow_plain_allowed = d.block_plain_allowed = false;
  if (flow_indicators) d.flow_plain_allowed = false;
  if (block_indicators) d.block_plain_allowed = false;
  return d;
}

class Emitter {
 public:
  explicit Emitter(std::string& out) : out_(out) {}

  void document(const Value& root) {
    node(root, false, false);
    write_indent();  // document end
  }

 private:
  static constexpr int kBestIndent = 2;
  static constexpr int kBestWidth = 80;

  std::string& out_;
  int column_ = 0;
  bool whitespace_ = true;
  bool indention_ = true;
  int indent_ = -1;
  std::vector<int> indents_;
  bool mapping_context_ = false;
  bool simple_key_context_ = false;

  void put(char c) {
    out_ += c;
    ++column_;
  }
  void put_break() {
    out_ += '\n';
    column_ = 0;
    indention_ = true;
  }
  void write(std::string_view s, size_t& i) {
    size_t w = width(byte_at(s, i));
    out_.append(s.substr(i, w));
    i += w;
    ++column_;
  }
  void write_break(std::string_view s, size_t& i) {
    if (s[i] == '\n') {
      put_break();
      ++i;
    } else {
      write(s, i);
      column_ = 0;
    }
  }
  void increase_indent(bool flow, bool indentless) {
    indents_.push_back(indent_);
    if (indent_ < 0) indent_ = flow ? kBestIndent : 0;
    else if (!indentless) indent_ += kBestIndent;
  }
  void pop_indent() {
    indent_ = indents_.back();
    indents_.pop_back();
  }
  void write_indent() {
    int indent = std::max(indent_, 0);
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) put_break();
    while (column_ < indent) put(' ');
    whitespace_ = true;
    indention_ = true;
  }
  void write_indicator(std::string_view indicator, bool need_whitespace, bool is_whitespace, bool is_indention) {
    if (need_whitespace && !whitespace_) put(' ');
    for (char c : indicator) put(c);
    whitespace_ = is_whitespace;
    indention_ = indention_ && is_indention;
  }

  void node(const Value& v, bool in_mapping, bool simple_key) {
    mapping_context_ = in_mapping;
    simple_key_context_ = simple_key;
    switch (v.kind) {
      case Value::Kind::Plain: return scalar(v.text, Style::Plain);
      case Value::Kind::String: return string(v.text);
      case Value::Kind::Sequence:
        if (v.items.empty()) return write_indicator("[]", true, false, false);
        return block_sequence(v);
      case Value::Kind::Mapping:
        if (v.entries.empty()) return write_indicator("{}", true, false, false);
        return block_mapping(v);
    }
  }

  // The encoder's stringv: plain unless the text would read back as
  // something else, literal for several lines, else double-quoted.
  void string(const std::string& s) {
    bool can_use_plain = plain_scalar_is_string(s) && !go_yaml_timestamp(s) && !is_base60_float(s);
    Style style = s.find('\n') != std::string::npos ? Style::Literal : can_use_plain ? Style::Plain : Style::Double;
    scalar(s, style);
  }

  void block_sequence(const Value& v) {
    increase_indent(false, mapping_context_ && !indention_);
    for (const auto& item : v.items) {
      write_indent();
      write_indicator("-", true, false, true);
      node(item, false, false);
    }
    pop_indent();
  }

  void block_mapping(const Value& v) {
    increase_indent(false, false);
    for (const auto& [key, value] : v.entries) {
      write_indent();
      ScalarData key_data = analyze_scalar(key);
      if (!key_data.multiline && key.size() <= 128) {
        node(Value{Value::Kind::String, key, {}, {}}, true, true);
        write_indicator(":", false, false, false);
      } else {
        write_indicator("?", true, false, true);
        node(Value{Value::Kind::String, key, {}, {}}, true, false);
        write_indent();
        write_indicator(":", true, false, true);
      }
      node(value, true, false);
    }
    pop_indent();
  }

  // yaml_emitter_emit_scalar: the style, then the text.
  void scalar(std::string_view value, Style style) {
    ScalarData d = analyze_scalar(value);
    if (simple_key_context_ && d.multiline) style = Style::Double;
    if (style == Style::Plain) {
      if (!d.block_plain_allowed) style = Style::Single;
      if (value.empty() && simple_key_context_) style = Style::Single;
    }
    if (style == Style::Single && !d.single_quoted_allowed) style = Style::Double;
    if (style == Style::Literal && (!d.block_allowed || simple_key_context_)) style = Style::Double;
    increase_indent(true, false);
    bool allow_breaks = !simple_key_context_;
    switch (style) {
      case Style::Plain: write_plain(value, allow_breaks); break;
      case Style::Single: write_single_quoted(value, allow_breaks); break;
      case Style::Double: write_double_quoted(value, allow_breaks); break;
      case Style::Literal: write_literal(value); break;
    }
    pop_indent();
  }

  void write_plain(std::string_view value, bool allow_breaks) {
    if (!whitespace_) put(' ');
    bool spaces = false;
    for (size_t i = 0; i < value.size();) {
      if (is_space(value, i)) {
        if (allow_breaks && !spaces && column_ > kBestWidth && !is_space(value, i + 1)) {
          write_indent();
          i += width(byte_at(value, i));
        } else {
          write(value, i);
        }
        spaces = true;
      } else {
        write(value, i);
        indention_ = false;
        spaces = false;
      }
    }
    whitespace_ = false;
    indention_ = false;
  }

  void write_single_quoted(std::string_view value, bool allow_breaks) {
    write_indicator("'", true, false, false);
    bool spaces = false;
    bool breaks = false;
    for (size_t i = 0; i < value.size();) {
      if (is_space(value, i)) {
        if (allow_breaks && !spaces && column_ > kBestWidth && i > 0 && i < value.size() - 1 &&
            !is_space(value, i + 1)) {
          write_indent();
          i += width(byte_at(value, i));
        } else {
          write(value, i);
        }
        spaces = true;
      } else if (is_break(value, i)) {
        if (!breaks && value[i] == '\n') put_break();
        write_break(value, i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) write_indent();
        if (value[i] == '\'') put('\'');
        write(value, i);
        indention_ = false;
        spaces = false;
        breaks = false;
      }
    }
    write_indicator("'", false, false, false);
    whitespace_ = false;
    indention_ = false;
  }

  void write_double_quoted(std::string_view value, bool allow_breaks) {
    static constexpr std::string_view kHex = "0123456789ABCDEF";
    bool spaces = false;
    write_indicator("\"", true, false, false);
    const bool bom = is_bom(value);
    for (size_t i = 0; i < value.size();) {
      if (!is_printable(value, i) || bom || is_break(value, i) || value[i] == '"' || value[i] == '\\') {
        char32_t v = decode(value, i);
        put('\\');
        switch (v) {
          case 0x00: put('0'); break;
          case 0x07: put('a'); break;
          case 0x08: put('b'); break;
          case 0x09: put('t'); break;
          case 0x0A: put('n'); break;
          case 0x0B: put('v'); break;
          case 0x0C: put('f'); break;
          case 0x0D: put('r'); break;
          case 0x1B: put('e'); break;
          case 0x22: put('"'); break;
          case 0x5C: put('\\'); break;
          case 0x85: put('N'); break;
          case 0xA0: put('_'); break;
          case 0x2028: put('L'); break;
          case 0x2029: put('P'); break;
          default: {
            int digits = v <= 0xFF ? 2 : v <= 0xFFFF ? 4 : 8;
            put(digits == 2 ? 'x' : digits == 4 ? 'u' : 'U');
            for (int k = (digits - 1) * 4; k >= 0; k -= 4) put(kHex[(v >> k) & 0x0F]);
          }
        }
        spaces = false;
      } else if (is_space(value, i)) {
        if (allow_breaks && !spaces && column_ > kBestWidth && i > 0 && i < value.size() - 1) {
          write_indent();
          if (is_space(value, i + 1)) put('\\');
          i += width(byte_at(value, i));
        } else {
          write(value, i);
        }
        spaces = true;
      } else {
        write(value, i);
        spaces = false;
      }
    }
    write_indicator("\"", false, false, false);
    whitespace_ = false;
    indention_ = false;
  }

  void write_literal(std::string_view value) {
    write_indicator("|", true, false, false);
    // yaml_emitter_write_block_scalar_hints
    if (is_space(value, 0) || is_break(value, 0))
      write_indicator(std::string(1, '0' + kBestIndent), false, false, false);
    char chomp = 0;
    if (value.empty()) {
      chomp = '-';
    } else {
      size_t i = value.size() - 1;
      while (i > 0 && (byte_at(value, i) & 0xC0) == 0x80) --i;
      if (!is_break(value, i)) {
        chomp = '-';
      } else if (i == 0) {
        chomp = '+';
      } else {
        --i;
        while (i > 0 && (byte_at(value, i) & 0xC0) == 0x80) --i;
        if (is_break(value, i)) chomp = '+';
      }
    }
    if (chomp != 0) write_indicator(std::string(1, chomp), false, false, false);
    put_break();
    indention_ = true;
    whitespace_ = true;
    bool breaks = true;
    for (size_t i = 0; i < value.size();) {
      if (is_break(value, i)) {
        write_break(value, i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) write_indent();
        write(value, i);
        indention_ = false;
        breaks = false;
      }
    }
  }
};

// unicode.IsLetter for the keys manifests hold: ASCII letters, and the
// letters of the Latin, Greek, Cyrillic, CJK, kana and Hangul blocks (an
// approximation beyond those).
bool is_letter(char32_t c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  if (c < 0x80) return false;
  if (c == 0xAA || c == 0xB5 || c == 0xBA) return true;
  if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;
  return (c >= 0x370 && c <= 0x3FF && c != 0x37E && c != 0x387) || (c >= 0x400 && c <= 0x52F) ||
         (c >= 0x3041 && c <= 0x30FF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7A3);
}

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }

std::u32string runes(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) out += decode(s, i);
  return out;
}

}  // namespace

bool go_yaml_key_less(std::string_view a_text, std::string_view b_text) {
  std::u32string a = runes(a_text);
  std::u32string b = runes(b_text);
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) continue;
    bool al = is_letter(a[i]);
    bool bl = is_letter(b[i]);
    if (al && bl) return a[i] < b[i];
    if (al || bl) return bl;
    // Go's int64 arithmetic wraps; so does this.
    uint64_t an = 0;
    uint64_t bn = 0;
    if (a[i] == '0' || b[i] == '0') {
      for (size_t j = i; j-- > 0 && is_digit(a[j]);) {
        if (a[j] != '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    size_t ai = i;
    size_t bi = i;
    for (; ai < a.size() && is_digit(a[ai]); ++ai) an = an * 10 + (a[ai] - '0');
    for (; bi < b.size() && is_digit(b[bi]); ++bi) bn = bn * 10 + (b[bi] - '0');
    if (an != bn) return static_cast<int64_t>(an) < static_cast<int64_t>(bn);
    if (ai != bi) return ai < bi;
    return a[i] < b[i];
  }
  return a.size() < b.size();
}

bool go_yaml_timestamp(std::string_view s) {
  // go-yaml v2's parseTimestamp: YYYY- first, then one of
  // 2006-1-2T15:4:5.999999999Z07:00 (T or t), 2006-1-2 15:4:5.999999999, 2006-1-2.
  auto digits = [&](size_t& i, size_t min, size_t max, int& value) {
    size_t start = i;
    value = 0;
    while (i < s.size() && i - start < max && s[i] >= '0' && s[i] <= '9') value = value * 10 + (s[i++] - '0');
    return i - start >= min;
  };
  size_t i = 0;
  int year = 0, month = 0, day = 0;
  if (!digits(i, 4, 4, year) || i >= s.size() || s[i] != '-') return false;
  ++i;
  if (!digits(i, 1, 2, month) || i >= s.size() || s[i] != '-') return false;
  ++i;
  if (!digits(i, 1, 2, day)) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return false;
  bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  if (day < 1 || day > (month == 2 && leap ? 29 : kDays[month - 1])) return false;
  if (i == s.size()) return true;
  char sep = s[i++];
  if (sep != 'T' && sep != 't' && sep != ' ') return false;
  int hour = 0, minute = 0, second = 0;
  if (!digits(i, 1, 2, hour) || i >= s.size() || s[i] != ':') return false;
  ++i;
  if (!digits(i, 1, 2, minute) || i >= s.size() || s[i] != ':') return false;
  ++i;
  if (!digits(i, 1, 2, second)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (i + 1 < s.size() && (s[i] == '.' || s[i] == ',') && s[i + 1] >= '0' && s[i + 1] <= '9') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  }
  if (sep == ' ') return i == s.size();
  if (i < s.size() && s[i] == 'Z') return i + 1 == s.size();
  int zh = 0, zm = 0;
  if (s.size() - i != 6 || (s[i] != '+' && s[i] != '-') || s[i + 3] != ':') return false;
  size_t h = i + 1;
  size_t m = i + 4;
  return digits(h, 2, 2, zh) && digits(m, 2, 2, zm) && zh <= 24 && zm <= 60;
}

void write_kubectl_yaml(const Node& node, std::string& out,
                        const std::vector<std::pair<std::string_view, std::string_view>>& overrides) {
  // JSONToYAML reads the JSON kubectl would print: the same keys, strings
  // and number forms.
  std::string json;
  write_kubectl_json(node, json, overrides);
  Node parsed;
  parse_json_stream(
      json, "", [&](Document&& d) { parsed = std::move(d.root); }, [](LoadError&&) {});
  Emitter(out).document(value_of(parsed));
}

}  // namespace kg::doc
